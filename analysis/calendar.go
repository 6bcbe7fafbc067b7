package analysis

// prelude returns the statements run before the derived facts: macros for
// the config's state mapping and working calendar. A1 (review/flow) owns
// this file.
func prelude(env *Env) []string {
	return nil
}
