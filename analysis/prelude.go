package analysis

import "sort"

// A prelude builds statements (macros, mostly) that the derived facts use,
// from the config in env: the working calendar, the state mapping.
type prelude struct {
	order int
	build func(env *Env) []string
}

var preludes []prelude

// RegisterPrelude adds statements run before the derived facts are created,
// lower order first.
func RegisterPrelude(order int, build func(env *Env) []string) {
	preludes = append(preludes, prelude{order, build})
}

func preludeStatements(env *Env) []string {
	sort.SliceStable(preludes, func(i, j int) bool { return preludes[i].order < preludes[j].order })
	var stmts []string
	for _, p := range preludes {
		stmts = append(stmts, p.build(env)...)
	}
	return stmts
}
