package reports

import (
	"context"
	"fmt"
	"strings"
)

// warnSelectors adds a plan warning for each selector that selects no
// work anywhere in the store: nothing at all (a typo, a project not
// synced), or only epics, which are containers (an epic key listed under
// keys, a label set on the epic but not on its items). The whole store is
// searched, not the report's window: a selector whose items were created
// after the window is right, only early, and warning about it in every
// earlier report would teach people to ignore the warnings.
func (m *model) warnSelectors(ctx context.Context, sel []selector, where string) error {
	counts := make([]string, 0, 2*len(sel))
	args := make([]any, 0, 4*len(sel))
	for _, x := range sel {
		counts = append(counts, "count(*) FILTER (WHERE kind <> 'epic' AND "+x.cond+")",
			"count(*) FILTER (WHERE kind = 'epic' AND "+x.cond+")")
		args = append(args, x.args...)
		args = append(args, x.args...)
	}
	n := make([]int64, len(counts))
	hits := make([]any, len(counts))
	for i := range hits {
		hits[i] = &n[i]
	}
	q := `SELECT ` + strings.Join(counts, ", ") + ` FROM items`
	if err := m.db.QueryRowContext(ctx, q, args...).Scan(hits...); err != nil {
		return fmt.Errorf("%s: match scope: %w", where, err)
	}
	for i, x := range sel {
		work, epics := n[2*i], n[2*i+1]
		switch {
		case work > 0:
		case epics > 0:
			m.warn(fmt.Sprintf("%s: %s matches only epics, not their items; list an epic under epics to select its items", where, x.name))
		default:
			m.warn(fmt.Sprintf("%s: %s matches no items", where, x.name))
		}
	}
	return nil
}

func (m *model) warn(w string) {
	m.report.Plan.Warnings = append(m.report.Plan.Warnings, w)
}
