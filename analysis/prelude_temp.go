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

// WindowFacts are the statements that give a reader of a read-only
// database the derived facts as of env.Now, or as of the end of env's
// window when it ends before then (asOf, as an analysis of the window
// has them), on its own connection: the TEMP
// macros, then a TEMP view in front of every derived fact that depends on
// the as-of time (reads env_now(), or such a fact), the tables an analysis
// builds per window (v_wip, v_sprint_commitment) included. The store's own
// hold the window last prepared, which may be any: a question asked after
// an analysis of May must not count October's sprints as not ended yet.
func WindowFacts(env *Env) []string {
	at := *env
	if !at.To.IsZero() {
		at.Now = asOf(at)
	}
	stmts := TempMacros(&at)
	var facts []Derived
	for _, d := range DerivedFacts() {
		if !d.Stable {
			facts = append(facts, d)
		}
	}
	dependent := readers(facts, []string{"env_now()"})
	for _, d := range facts {
		if dependent[d.Name] {
			stmts = append(stmts, "CREATE OR REPLACE TEMP VIEW "+d.Name+" AS "+d.SQL)
		}
	}
	return stmts
}
