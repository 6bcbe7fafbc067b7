package github

import (
	"context"
	"fmt"
	"path"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// repos returns the repositories to sync: the configured list, or the
// organisation's repositories filtered by include/exclude (archived ones
// only with include_archived).
func (r *run) repos(ctx context.Context) ([]string, error) {
	cfg := r.src.cfg
	if cfg.Org == "" {
		return cfg.Repos, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, name := range cfg.Repos {
		seen[name] = true
		out = append(out, name)
	}
	for pg := 1; pg > 0; {
		var list []*gh.Repository
		u := fmt.Sprintf("orgs/%s/repos?type=all&per_page=100&page=%d", cfg.Org, pg)
		resp, _, err := r.get(ctx, u, "", &list)
		if err != nil {
			return nil, err
		}
		for _, repo := range list {
			name := repo.GetFullName()
			if seen[name] || (repo.GetArchived() && !cfg.IncludeArchived) || !selected(name, cfg.Include, cfg.Exclude) {
				continue
			}
			seen[name] = true
			out = append(out, name)
		}
		pg = resp.NextPage
	}
	return out, nil
}

// selected applies include (empty = all) and exclude globs; a glob matches
// the full name (owner/name) or the bare name.
func selected(fullName string, include, exclude []string) bool {
	in := len(include) == 0
	for _, g := range include {
		if ok, _ := matchRepo(g, fullName); ok {
			in = true
		}
	}
	for _, g := range exclude {
		if ok, _ := matchRepo(g, fullName); ok {
			return false
		}
	}
	return in
}

func matchRepo(glob, fullName string) (bool, error) {
	ok, err := path.Match(glob, fullName)
	if err != nil || ok {
		return ok, err
	}
	_, name, _ := strings.Cut(fullName, "/")
	return path.Match(glob, name)
}
