package synth

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// writePlan writes DIR/plan.yaml: what the organisation said it would do.
// Some of it holds (platform delivers on time, platform decisions are
// quick, nobody merges unreviewed), some does not (the planted patterns).
func (g *gen) writePlan() error {
	var b strings.Builder
	o, tr := g.org, &g.truth
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	fmt.Fprintf(&b, "# Plan of the synthetic organisation (seed %d), written by internal/synth.\n", g.spec.Seed)
	fmt.Fprintf(&b, "period: {from: %s, to: %s}\n", date(g.spec.Start()), date(g.spec.End.AddDate(0, 2, -1)))
	b.WriteString("goals:\n")
	goal := func(t int, id, title string, due time.Time, scope string) {
		if t < len(o.teams) {
			fmt.Fprintf(&b, "  - {id: %s, title: %q, team: %s, due: %s, scope: %s}\n", id, title, o.teams[t].Name, date(due), scope)
		}
	}
	goal(teamGrowth, "onboarding", "Self-serve onboarding", g.spec.End.AddDate(0, 1, 14),
		fmt.Sprintf("{epics: [%s], labels: [onboarding]}", g.lastEpic[teamGrowth]))
	goal(teamMobile, "offline-mode", "Offline mode in the mobile app", g.spec.End.AddDate(0, 0, 29), "{labels: [offline-mode]}")
	goal(teamWeb, "storefront-refresh", "Storefront refresh", g.spec.End.AddDate(0, 2, -1),
		fmt.Sprintf("{epics: [%s]}", g.lastEpic[teamWeb]))
	b.WriteString("dependencies:\n")
	if n := len(tr.blockers); n > 0 && len(o.teams) > teamGrowth {
		keys := tr.blockers[max(0, n-5):]
		due := tr.blockerAt[max(0, n-5)].AddDate(0, 0, 7)
		fmt.Fprintf(&b, "  - {id: events-api, title: \"Event pipeline changes for onboarding\", from: %s, to: %s, what: \"event pipeline changes\", due: %s, scope: {keys: [%s]}}\n",
			o.teams[teamData].Name, o.teams[teamGrowth].Name, date(due), strings.Join(keys, ", "))
	}
	if len(tr.delivered) > 0 && len(o.teams) > teamPayments {
		fmt.Fprintf(&b, "  - {id: payments-auth, title: \"Token endpoints for payments\", from: %s, to: %s, what: \"token endpoints\", due: %s, scope: {keys: [%s]}}\n",
			o.teams[teamPlatform].Name, o.teams[teamPayments].Name, date(tr.deliveredAt.AddDate(0, 0, 7)), strings.Join(tr.delivered, ", "))
	}
	b.WriteString("decisions:\n")
	if o.slowDecider >= 0 {
		fmt.Fprintf(&b, "  - {id: payments-approval, title: \"Payments changes need product approval\", owners: [%q], sla: 2d, match: {states: [\"Awaiting Approval\"], projects: [%s]}}\n",
			o.people[o.slowDecider].Name, o.teams[teamPayments].Project)
	}
	if o.fastDecider >= 0 {
		fmt.Fprintf(&b, "  - {id: platform-approval, title: \"Platform changes need architecture approval\", owners: [%q], sla: 2d, match: {states: [\"Awaiting Approval\"], projects: [%s]}}\n",
			o.people[o.fastDecider].Name, o.teams[teamPlatform].Project)
	}
	b.WriteString(`agreements:
  - {id: review-pickup, title: "Reviews picked up within a day", metric: review_pickup, target: 24h}
  - {id: wip, title: "At most three items in progress per person", metric: wip_per_person, target: 3}
  - {id: blocked, title: "Nothing blocked for more than two days", metric: blocked_time, target: 2d}
  - {id: reviewed-merges, title: "Every merge reviewed", metric: unreviewed_merges, target: 0}
  - {id: carry-over, title: "Work carried over at most one sprint", metric: carry_over, target: 1}
`)
	if err := os.WriteFile(g.path("plan.yaml"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
