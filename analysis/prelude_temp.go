package analysis

import "strings"

// TempMacros are the macros the derived facts and the reports' queries
// use (calendar, state mapping, env_now), built from env as Prepare builds
// them but as TEMP macros: a reader of a read-only database (the web app
// of `systemic serve`) creates them for its own connection without
// writing to the file.
func TempMacros(env *Env) []string {
	stmts := preludeStatements(env)
	out := make([]string, len(stmts))
	for i, s := range stmts {
		out[i] = strings.Replace(s, "CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
	}
	return out
}
