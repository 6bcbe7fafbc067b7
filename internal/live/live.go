package live

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
)

// ErrBusy is returned when a writer holds the store and there is no
// earlier view to serve.
var ErrBusy = errors.New("the database is in use by a writer")

// Source hands out views of the store at Path.
type Source struct {
	Path  string // the store
	Names bool   // read the store itself (a snapshot copy) instead of the pseudonymised copy
	Salt  string // pseudonym salt (privacy.salt)
	// Dir holds the snapshot copies with names; empty: a temporary folder.
	Dir string

	mu      sync.Mutex
	cur     *View
	checked time.Time
	ownDir  bool // Dir was made here: Close removes it
}

// View is one immutable state of the store, open for queries.
type View struct {
	// File is the database file the view reads: the pseudonymised copy
	// or a snapshot copy of the store.
	File string
	// DB is the sandboxed, read-only handle of File (query.OpenSandbox).
	DB *sql.DB
	// Pseudonymised: people in File are already pseudonyms.
	Pseudonymised bool
	// AsOf is when the store was last read into this view.
	AsOf time.Time
	// busy, when set, says that a writer holds the store and this view
	// shows its state as of AsOf (see Busy).
	busy atomic.Pointer[string]
	// People maps the store's person ids to the pseudonyms of the copy,
	// for ids that come from elsewhere (the plan's decision owners); nil
	// with names, or when the view was taken while a writer held the store.
	People *privacy.Pseudonymizer

	refs   int
	closed bool
	mu     sync.Mutex
}

// Acquire returns the current view, refreshing it first when the store
// changed. Call release when done with it; an outdated view is closed once
// its last reader released it.
func (s *Source) Acquire(ctx context.Context) (v *View, release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(ctx); err != nil {
		return nil, nil, err
	}
	v = s.cur
	v.mu.Lock()
	v.refs++
	v.mu.Unlock()
	return v, func() { v.release(false) }, nil
}

// Close closes the current view; later Acquires open a new one.
func (s *Source) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil {
		s.cur.release(true)
		s.cur = nil
	}
	if s.ownDir {
		s.ownDir = false
		return os.RemoveAll(s.Dir)
	}
	return nil
}

// Busy is a note for readers when a writer holds the store and this view
// shows its state as of AsOf; "" otherwise.
func (v *View) Busy() string {
	if p := v.busy.Load(); p != nil {
		return *p
	}
	return ""
}

func (v *View) setBusy(note string) { v.busy.Store(&note) }

func (v *View) release(retire bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if retire {
		v.closed = true
	} else {
		v.refs--
	}
	if v.closed && v.refs == 0 && v.DB != nil {
		v.DB.Close()
		v.DB = nil
	}
}

// fresh reports whether the view was taken after the store's last change.
func (s *Source) fresh() bool {
	if s.cur == nil {
		return false
	}
	for _, p := range []string{s.Path, s.Path + ".wal"} {
		if st, err := os.Stat(p); err == nil && st.ModTime().After(s.cur.AsOf) {
			return false
		}
	}
	return true
}

func (s *Source) refresh(ctx context.Context) error {
	if s.fresh() {
		if s.cur.Busy() != "" && time.Since(s.checked) > 2*time.Second {
			return s.reload(ctx) // the writer may be gone: look again
		}
		return nil
	}
	return s.reload(ctx)
}

func (s *Source) reload(ctx context.Context) error {
	s.checked = time.Now()
	taken := time.Now()
	st, err := store.OpenReadOnly(ctx, s.Path)
	if errors.Is(err, store.ErrLocked) {
		return s.busy(ctx)
	}
	if err != nil {
		return err
	}
	file, err := s.copyOut(ctx, st)
	var people *privacy.Pseudonymizer
	if err == nil && !s.Names {
		people, err = privacy.FromDB(ctx, st.DB(), s.Salt)
	}
	st.Close()
	if err != nil {
		return err
	}
	if err := s.swap(ctx, file, taken, ""); err != nil {
		return err
	}
	s.cur.People = people
	return nil
}

// copyOut writes the file the next view reads while the store is open
// read-only (no writer can start meanwhile).
func (s *Source) copyOut(ctx context.Context, st *store.Store) (string, error) {
	if !s.Names {
		shadow := privacy.ShadowPath(s.Path)
		if privacy.ShadowFresh(s.Path, shadow) && shadowSalt(ctx, shadow) == privacy.SaltHash(s.Salt) {
			return shadow, nil
		}
		if err := privacy.WriteShadow(ctx, st.DB(), shadow, s.Salt); err != nil {
			return "", fmt.Errorf("%w (without names, only this copy is served; the folder of the database must be writable)", err)
		}
		return shadow, nil
	}
	dir := s.Dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "systemic-snapshot-"); err != nil {
			return "", fmt.Errorf("snapshot of %s: %w", s.Path, err)
		}
		s.Dir, s.ownDir = dir, true
	}
	dst := filepath.Join(dir, fmt.Sprintf("snapshot-%d.duckdb", time.Now().UnixNano()))
	for _, suffix := range []string{"", ".wal"} {
		if err := copyFile(s.Path+suffix, dst+suffix); err != nil && !(suffix != "" && errors.Is(err, os.ErrNotExist)) {
			return "", fmt.Errorf("snapshot of %s: %w", s.Path, err)
		}
	}
	return dst, nil
}

// busy keeps serving the current view with a note, or, with none yet,
// serves the pseudonymised copy left by an earlier run (without names).
func (s *Source) busy(ctx context.Context) error {
	if s.cur != nil {
		s.cur.setBusy(busyNote(s.cur.AsOf))
		return nil
	}
	shadow := privacy.ShadowPath(s.Path)
	if fi, err := os.Stat(shadow); err == nil && !s.Names && shadowSalt(ctx, shadow) == privacy.SaltHash(s.Salt) {
		return s.swap(ctx, shadow, fi.ModTime(), busyNote(fi.ModTime()))
	}
	return fmt.Errorf("%w: %s is being written (a sync, run or analyze is going) and there is no earlier copy to serve; "+
		"try again when it has finished", ErrBusy, s.Path)
}

func busyNote(asOf time.Time) string {
	return "The database is being written (a sync is running); this shows its state as of " +
		asOf.UTC().Format("2006-01-02 15:04 UTC") + "."
}

func (s *Source) swap(ctx context.Context, file string, taken time.Time, busy string) error {
	db, err := query.OpenSandbox(ctx, file)
	if err != nil {
		return err
	}
	old := s.cur
	s.cur = &View{File: file, DB: db, Pseudonymised: !s.Names, AsOf: taken}
	s.cur.setBusy(busy)
	if old != nil {
		old.release(true)
		if s.Names && old.File != file {
			defer removeSnapshot(old)
		}
	}
	return nil
}

// removeSnapshot deletes a retired snapshot copy once nobody reads it.
func removeSnapshot(v *View) {
	go func() {
		for {
			v.mu.Lock()
			done := v.DB == nil
			v.mu.Unlock()
			if done {
				os.Remove(v.File)
				os.Remove(v.File + ".wal")
				return
			}
			time.Sleep(time.Second)
		}
	}()
}

func shadowSalt(ctx context.Context, shadow string) string {
	db, err := query.OpenSandbox(ctx, shadow)
	if err != nil {
		return ""
	}
	defer db.Close()
	var made string
	if err := db.QueryRowContext(ctx, `SELECT salt_hash FROM pseudonymised`).Scan(&made); err != nil {
		return ""
	}
	return made
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
