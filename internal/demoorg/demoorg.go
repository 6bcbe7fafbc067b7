// Package demoorg serves a generated organisation: it writes the synthetic
// datasets (internal/synth), starts the fake Jira and GitHub servers on
// loopback in this process, and writes a systemic.yaml pointing at them.
// `systemic demo` runs on it, and so does every end-to-end test: data
// enters as a synth.Spec and leaves as a config file and HTTP servers that
// the real connectors sync from.
package demoorg

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	_ "github.com/systemic-dev/systemic/connectors/github" // the kinds the generated config names
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	_ "github.com/systemic-dev/systemic/connectors/jira"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// Org is a generated organisation being served.
type Org struct {
	Result *synth.Result
	Jira   *jiratest.Server
	GitHub *githubtest.Server
	Config string // path of the systemic.yaml pointing at the servers
}

// Options tune the fake servers (authentication, faults, rate limits).
type Options struct {
	Jira   jiratest.Options
	GitHub githubtest.Options
}

// Start generates spec into dir/data, serves it and writes
// dir/systemic.yaml. Close stops the servers.
func Start(dir string, spec synth.Spec, opts Options) (*Org, error) {
	res, err := synth.Generate(filepath.Join(dir, "data"), spec)
	if err != nil {
		return nil, fmt.Errorf("generate organisation: %w", err)
	}
	o := &Org{Result: res, Config: filepath.Join(dir, "systemic.yaml")}
	if o.Jira, err = jiratest.New(res.Dir, opts.Jira); err != nil {
		return nil, fmt.Errorf("fake jira: %w", err)
	}
	if o.GitHub, err = githubtest.New(res.Dir, opts.GitHub); err != nil {
		o.Jira.Close()
		return nil, fmt.Errorf("fake github: %w", err)
	}
	if err := synth.WriteConfig(o.Config, res, o.Jira.URL, o.GitHub.URL); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// Close stops both servers.
func (o *Org) Close() {
	o.Jira.Close()
	o.GitHub.Close()
}

// LoadConfig loads the generated systemic.yaml.
func (o *Org) LoadConfig() (*config.Config, error) {
	return config.Load(o.Config)
}

// Sync fetches every source of cfg in full into st with the real
// connectors, as of now, then resolves identities and teams.
func Sync(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) error {
	opts := connectors.Options{Full: true, MaxWait: 10 * time.Second, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, sc := range cfg.Sources {
		src, err := connectors.New(sc)
		if err != nil {
			return err
		}
		if _, err := src.Sync(ctx, st, opts); err != nil {
			return fmt.Errorf("sync %s: %w", sc.Name, err)
		}
	}
	return st.Resolve(ctx, store.OrgOf(cfg))
}

// Synced is a generated organisation served by the fake trackers and
// synced in full into a private in-memory store, with its config.
type Synced struct {
	*Org
	Cfg   *config.Config
	Store *store.Store
}

// StartSynced generates spec into dir, serves it and syncs it as of
// spec.End: what end-to-end tests start from.
func StartSynced(ctx context.Context, dir string, spec synth.Spec, opts Options) (*Synced, error) {
	org, err := Start(dir, spec, opts)
	if err != nil {
		return nil, err
	}
	s := &Synced{Org: org}
	if s.Cfg, err = org.LoadConfig(); err == nil {
		if s.Store, err = store.Open(ctx, ""); err == nil {
			err = Sync(ctx, s.Store, s.Cfg, spec.End)
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the servers and closes the store.
func (s *Synced) Close() {
	if s.Store != nil {
		s.Store.Close()
	}
	s.Org.Close()
}

// Plan loads the organisation's plan.yaml against its teams.
func (s *Synced) Plan() (*config.Plan, error) {
	var teams []string
	for _, t := range s.Cfg.Teams {
		teams = append(teams, t.Name)
	}
	return config.LoadPlan(s.Cfg.Plan, teams)
}
