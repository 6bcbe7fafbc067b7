package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/privacy"
)

func newValidateCmd(a *app) *cobra.Command {
	var plan string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the config file and summarise what it configures",
		Long: `validate loads the config, expands ${ENV} references and reports every problem at
once with its file:line and the fix (exit 2), or prints a summary of the sources,
teams and people it configures (exit 0). The config's plan (or --plan) is checked
too, against the config's teams, so 'report' will not stop on it later. It contacts
no tracker.`,
		Example: "  systemic validate --config acme.yaml\n  systemic validate --plan plan-2027.yaml",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if _, err := loadPlan(cfg, plan); err != nil {
				return err
			}
			summarise(a.stdout, cfg)
			if plan != "" {
				fmt.Fprintf(a.stdout, "plan %s is valid\n", plan)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&plan, "plan", "", "plan.yaml to check as well (default: the config's plan)")
	return cmd
}

func summarise(w io.Writer, cfg *config.Config) {
	fmt.Fprintf(w, "%s is valid.\n\n", cfg.File)
	fmt.Fprintf(w, "database: %s\n", cfg.Storage.Path)
	if cfg.Plan != "" {
		fmt.Fprintf(w, "plan:     %s\n", cfg.Plan)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tKIND\tURL\tSCOPE\tSINCE")
	for _, s := range cfg.Sources {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Kind, privacy.RedactURLs(s.URL), scope(s), orDash(s.Since.String()))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TEAM\tMEMBERS\tOWNS")
	for _, t := range cfg.Teams {
		owns := append(append(append([]string{}, t.Jira.Projects...), t.Jira.Components...), t.GitHub.Repos...)
		fmt.Fprintf(tw, "%s\t%d\t%s\n", t.Name, len(t.Members), orDash(strings.Join(owns, ", ")))
	}
	tw.Flush()
	people := fmt.Sprintf("%d people", len(cfg.People))
	if len(cfg.People) == 1 {
		people = "1 person"
	}
	fmt.Fprintf(w, "\n%s declared for identity merge; privacy: %s\n", people, privacyWord(cfg.Privacy.Names))
}

func scope(s config.Source) string {
	switch {
	case s.JQL != "":
		return s.JQL
	case len(s.Projects) > 0:
		return "projects " + strings.Join(s.Projects, ", ")
	case len(s.Repos) > 0:
		return strings.Join(s.Repos, ", ")
	case s.Org != "":
		return "org " + s.Org
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func privacyWord(names bool) string {
	if names {
		return "names shown"
	}
	return "pseudonyms (names hidden)"
}
