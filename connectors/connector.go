package connectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// Source syncs one configured tracker into the store.
type Source interface {
	// Sync fetches what changed since the stored cursors (everything with
	// Options.Full) and writes it page by page, each page with its cursor
	// in one store transaction.
	Sync(ctx context.Context, st *store.Store, opts Options) (Stats, error)
}

// Options are the run-wide settings of a sync.
type Options struct {
	Full     bool          // ignore cursors and fetch everything again
	MaxWait  time.Duration // longest rate-limit wait before stopping with ErrPartial
	Progress bool          // draw a progress bar (stderr is a TTY and not --no-progress)
	Logger   *slog.Logger  // never nil; already carries source=<name>
	Now      func() time.Time
}

// Stats counts what one sync did.
type Stats struct {
	Requests int // HTTP requests sent, retries included
	Items    int // items written
	Events   int // item events written
}

// ErrPartial marks a sync that stopped early but cleanly (rate limit reset
// too far away, ...): what was fetched is stored with its cursors, and a
// re-run resumes. The command exits 3.
var ErrPartial = errors.New("sync stopped early")

// Factory builds a Source from its configuration.
type Factory func(cfg config.Source) (Source, error)

var factories = map[string]Factory{}

// Register makes a source kind available; connector packages call it from init.
func Register(kind string, f Factory) {
	if _, dup := factories[kind]; dup {
		panic("connectors: kind registered twice: " + kind)
	}
	factories[kind] = f
}

// New builds the Source for cfg by its kind.
func New(cfg config.Source) (Source, error) {
	f, ok := factories[cfg.Kind]
	if !ok {
		return nil, fmt.Errorf("source %s: kind %q is not available in this build (have %v)", cfg.Name, cfg.Kind, Kinds())
	}
	return f(cfg)
}

// Kinds lists the registered source kinds.
func Kinds() []string {
	var ks []string
	for k := range factories {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
