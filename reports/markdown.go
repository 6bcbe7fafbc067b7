package reports

func Markdown(r *Report) []byte { return nil }
