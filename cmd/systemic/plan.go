package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/plandraft"
)

func newPlanCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "plan",
		Short:   "Draft and maintain plan.yaml",
		Example: "  systemic plan init --from-tracker --out plan.yaml",
		Args:    cobra.NoArgs,
	}
	initCmd := newPlanInitCmd(a)
	wrapArgs(initCmd) // stray arguments are usage errors (exit 2), as for every command
	cmd.AddCommand(initCmd)
	return cmd
}

func newPlanInitCmd(a *app) *cobra.Command {
	var out string
	var fromTracker bool
	var words []string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Draft a commented plan.yaml, from what the trackers hold with --from-tracker",
		Long: `init writes a plan.yaml to start a workshop from. With --from-tracker it reads the
store: goals from open epics and GitHub milestones, dependencies from 'blocks' links
between teams, decision rights from statuses that look like decision points (the
config's states.decision and names containing --decision-words) with the people who
moved items out of them as candidate owners. Working agreements start at the config's
thresholds. Every entry says in a comment where it came from.

When --out already exists, nothing is overwritten: init prints the drafted entries
the plan does not hold yet, to add by hand.`,
		Example: "  systemic plan init --from-tracker --out plan.yaml\n  systemic plan init --from-tracker   # again later: lists what is new",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			d, err := a.draftPlan(cmd, cfg, fromTracker, words)
			if err != nil {
				return err
			}
			return a.writeDraft(cfg, d, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "plan.yaml", "where to write the plan; when it exists, list what is new instead")
	f.BoolVar(&fromTracker, "from-tracker", false, "draft goals, dependencies and decision rights from the store")
	f.StringSliceVar(&words, "decision-words", plandraft.DefaultDecisionWords, "status names containing one of these are decision points")
	return cmd
}

func (a *app) draftPlan(cmd *cobra.Command, cfg *config.Config, fromTracker bool, words []string) (*plandraft.Draft, error) {
	opts := plandraft.Options{Thresholds: analysis.WithDefaults(cfg.Thresholds), DecisionStates: cfg.States.Decision, DecisionWords: words}
	for _, t := range cfg.Teams {
		opts.Teams = append(opts.Teams, t.Name)
	}
	if !fromTracker {
		opts.AsOf = a.now()
		return plandraft.Skeleton(opts), nil
	}
	st, err := a.openReadOnly(cmd.Context())
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return plandraft.Build(cmd.Context(), st.DB(), opts)
}

// writeDraft writes d to out, or when out exists lists what d holds that
// the plan there does not.
func (a *app) writeDraft(cfg *config.Config, d *plandraft.Draft, out string) error {
	_, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.WriteFile(out, d.YAML(), 0o644); err != nil {
			return fmt.Errorf("write plan: %w", err)
		}
		fmt.Fprintf(a.stdout, "wrote %s: %s; read it with the teams, then 'systemic validate --plan %s'\n", out, draftCounts(d), out)
		return nil
	}
	if err != nil {
		return fmt.Errorf("plan %s: %w", out, err)
	}
	p, err := loadPlan(cfg, out)
	if err != nil {
		return err
	}
	fresh := d.NewSince(p)
	if fresh.Empty() {
		fmt.Fprintf(a.stdout, "%s already holds everything drafted; nothing new\n", out)
		return nil
	}
	fmt.Fprintf(a.stdout, "# %s exists and was left as is. New since it was written: %s.\n# Add the ones the teams agree to:\n",
		out, draftCounts(fresh))
	_, err = a.stdout.Write(fresh.Snippet())
	return err
}

// draftCounts is "6 goals, 1 dependency, 2 decision rights, 5 agreements".
func draftCounts(d *plandraft.Draft) string {
	n := func(k int, one, many string) string {
		if k == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", k, many)
	}
	return n(len(d.Goals), "goal", "goals") + ", " + n(len(d.Dependencies), "dependency", "dependencies") + ", " +
		n(len(d.Decisions), "decision right", "decision rights") + ", " + n(len(d.Agreements), "agreement", "agreements")
}
