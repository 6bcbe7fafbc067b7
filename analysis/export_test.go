package analysis

// Unexported helpers the external tests check directly.
var (
	Possessive = possessive
	WasWere    = wasWere
	Percent    = percent
)
