package synth

import (
	"fmt"
	"time"
)

// Spec sizes and seeds a synthetic organisation.
type Spec struct {
	Seed   uint64
	Teams  int // at least 1; the first six carry the planted patterns
	People int // spread over the teams, at least one per team
	Months int // length of the simulated history, ending at End
	// End is the simulated "now": nothing happens after it. Midnight UTC.
	End time.Time
	// ItemsPerTeamMonth is the number of Jira stories, bugs and tasks each
	// team creates per month (epics come on top, one per quarter).
	ItemsPerTeamMonth int
	// PRsPerTeamMonth is the number of pull requests each team opens per
	// month (0: three quarters of ItemsPerTeamMonth).
	PRsPerTeamMonth int
	// Owner is the GitHub organisation owning the repositories.
	Owner string
	// Domain is the e-mail domain of the people.
	Domain string
}

// DefaultSpec is the demo organisation: 6 teams, 40 people, 12 months of
// history ending 2026-11-01.
func DefaultSpec() Spec {
	return Spec{
		Seed:              1,
		Teams:             6,
		People:            40,
		Months:            12,
		End:               time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		ItemsPerTeamMonth: 20,
		Owner:             "acme",
		Domain:            "acme.example",
	}
}

// ForItems returns a copy of s with ItemsPerTeamMonth and PRsPerTeamMonth set
// so the organisation holds about total items (Jira issues plus pull requests).
func (s Spec) ForItems(total int) Spec {
	perTeamMonth := total / max(1, s.Teams*s.Months)
	s.ItemsPerTeamMonth = max(1, perTeamMonth*4/7)
	s.PRsPerTeamMonth = max(1, perTeamMonth-s.ItemsPerTeamMonth)
	return s
}

func (s Spec) withDefaults() Spec {
	d := DefaultSpec()
	if s.End.IsZero() {
		s.End = d.End
	}
	if s.Owner == "" {
		s.Owner = d.Owner
	}
	if s.Domain == "" {
		s.Domain = d.Domain
	}
	if s.PRsPerTeamMonth == 0 {
		s.PRsPerTeamMonth = max(1, s.ItemsPerTeamMonth*3/4)
	}
	return s
}

func (s Spec) validate() error {
	switch {
	case s.Teams < 1:
		return fmt.Errorf("synth spec: teams %d: need at least 1", s.Teams)
	case s.People < s.Teams:
		return fmt.Errorf("synth spec: people %d: need at least one per team (%d teams)", s.People, s.Teams)
	case s.Months < 1:
		return fmt.Errorf("synth spec: months %d: need at least 1", s.Months)
	case s.ItemsPerTeamMonth < 1:
		return fmt.Errorf("synth spec: items per team and month %d: need at least 1", s.ItemsPerTeamMonth)
	}
	return nil
}

// Start is the first instant of the simulated history.
func (s Spec) Start() time.Time { return s.End.AddDate(0, -s.Months, 0) }
