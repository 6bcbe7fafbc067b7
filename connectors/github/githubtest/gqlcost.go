package githubtest

import (
	"fmt"
	"math"
	"strconv"
	"unicode"
)

// queryShape is what the fake server reads from a GraphQL query: its
// operation name, GitHub's cost and node count, and the page size asked of
// each connection field (by field name, the last one written wins).
type queryShape struct {
	op    string
	cost  int
	nodes int
	first map[string]int
}

// shape reads a query minimally: fields, arguments (first/last, literal or
// $variable), selection sets and inline fragments. Named fragments,
// directives and aliases are not understood; the connector sends none.
//
// GitHub's rules: a connection is a field with first or last; it needs
// one request per parent node, so its requests are the product of the page
// sizes of the connections above it; cost = round(sum of requests / 100),
// at least 1; nodes = sum over connections of the product of page sizes
// down to and including it.
func shape(query string, vars map[string]any) (queryShape, error) {
	toks := tokenize(query)
	q := queryShape{first: map[string]int{}}
	var stack []int // product of page sizes above each open selection set
	mult := 1
	requests := 0.0
	pending := 0 // page size of the field just read, applied when its set opens
	for i := 0; i < len(toks); i++ {
		switch t := toks[i]; {
		case t == "query" && q.op == "" && i+1 < len(toks) && isName(toks[i+1]):
			q.op = toks[i+1]
			i++
			if i+1 < len(toks) && toks[i+1] == "(" { // variable definitions
				i = skipParens(toks, i+1)
			}
		case t == "{":
			stack = append(stack, mult)
			if pending > 0 {
				mult *= pending
			}
			pending = 0
		case t == "}":
			if len(stack) == 0 {
				return q, fmt.Errorf("unbalanced braces")
			}
			mult, stack = stack[len(stack)-1], stack[:len(stack)-1]
		case isName(t) && i+1 < len(toks) && toks[i+1] == "(":
			end := skipParens(toks, i+1)
			n, err := pageSize(t, toks[i+2:end], vars)
			if err != nil {
				return q, err
			}
			if n > 0 {
				requests += float64(mult)
				q.nodes += mult * n
				q.first[t] = n
			}
			pending = n
			i = end
		case isName(t):
			pending = 0
		}
	}
	if len(stack) != 0 {
		return q, fmt.Errorf("unbalanced braces")
	}
	q.cost = max(1, int(math.Round(requests/100)))
	return q, nil
}

// pageSize returns the first or last argument of field, checked against
// GitHub's limit of 100.
func pageSize(field string, args []string, vars map[string]any) (int, error) {
	for j := 0; j+2 < len(args); j++ {
		if (args[j] != "first" && args[j] != "last") || args[j+1] != ":" {
			continue
		}
		v := args[j+2]
		var n int
		if v[0] == '$' {
			f, ok := vars[v[1:]].(float64)
			if !ok {
				return 0, fmt.Errorf("variable %s of %s is not set to a number", v, field)
			}
			n = int(f)
		} else {
			var err error
			if n, err = strconv.Atoi(v); err != nil {
				return 0, fmt.Errorf("%s of %s: %q is not a number", args[j], field, v)
			}
		}
		if n < 1 || n > 100 {
			return 0, fmt.Errorf("Requesting %d records on the `%s` connection exceeds the `%s` limit of 100 records.", n, field, args[j])
		}
		return n, nil
	}
	return 0, nil
}

func skipParens(toks []string, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch toks[i] {
		case "(":
			depth++
		case ")":
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(toks) - 1
}

func isName(t string) bool {
	return t != "" && (unicode.IsLetter(rune(t[0])) || t[0] == '_')
}

// tokenize splits a query into names, $variables, numbers, punctuation
// and "..."; strings and # comments are dropped.
func tokenize(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			i++
		case c == '.' && i+2 < len(s) && s[i:i+3] == "...":
			out = append(out, "...")
			i += 3
		case c == '$' || c == '_' || c == '-' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)):
			j := i + 1
			for j < len(s) && (s[j] == '_' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		case unicode.IsSpace(rune(c)) || c == ',':
			i++
		default:
			out = append(out, string(c))
			i++
		}
	}
	return out
}
