package analysis

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// runKey is what a stored run was computed from: the config, the inputs
// of its window with the as-of time and the engine, and the patterns (""
// = all).
type runKey struct {
	config, data, patterns string
}

// windowKey is the key a complete run of env's window is stored under:
// the fingerprint of the window's inputs (store.WindowInputs), the as-of
// time (a window that reaches past now ages its open work differently
// every hour; a closed window's is its end, so it never ages) and the
// engine that computed it. version is the store's data version, read once
// per call chain.
func windowKey(ctx context.Context, st *store.Store, version string, env Env, configHash string) (runKey, error) {
	inputs, err := windowInputs(ctx, st, version, env.To)
	if err != nil {
		return runKey{}, fmt.Errorf("analyze %s: %w", RunID(env.From, env.To), err)
	}
	at := asOf(env).UTC().Truncate(time.Hour).Format(time.RFC3339)
	return runKey{config: configHash, data: inputs + "@" + at + "#" + engineVersion()}, nil
}

// inputsMemo keeps the fingerprints of recent windows' inputs by data
// version and window end: a window's inputs are a function of the two (the
// data version covers every table WindowInputs reads), so the months of a
// report, each of which also reads its previous month's key, fingerprint
// each window once per data version.
var inputsMemo = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

func inputsMemoKey(version string, to time.Time) string {
	return version + "|" + to.UTC().Format(time.RFC3339Nano)
}

func windowInputs(ctx context.Context, st *store.Store, version string, to time.Time) (string, error) {
	if err := PrimeInputs(ctx, st, version, to); err != nil {
		return "", err
	}
	inputsMemo.Lock()
	v, ok := inputsMemo.m[inputsMemoKey(version, to)]
	inputsMemo.Unlock()
	if !ok { // the store changed since version was read: no memo
		return st.WindowInputs(ctx, to)
	}
	return v, nil
}

// DataVersion reads the store's data version and, in the same pass over
// the store (store.Versions), fingerprints the inputs of the windows
// ending at each of ends, kept for the analyses that follow: a report
// calls it once with the ends of all its windows, and no window's key then
// costs a pass of its own.
func DataVersion(ctx context.Context, st *store.Store, ends ...time.Time) (string, error) {
	version, fps, err := st.Versions(ctx, ends...)
	if err != nil {
		return "", err
	}
	remember(version, fps)
	return version, nil
}

// PrimeInputs is DataVersion for a caller that has read the data version:
// it fingerprints, in one pass, the windows ending at each of ends whose
// inputs are not known yet for version.
func PrimeInputs(ctx context.Context, st *store.Store, version string, ends ...time.Time) error {
	var missing []time.Time
	inputsMemo.Lock()
	for _, e := range ends {
		if _, ok := inputsMemo.m[inputsMemoKey(version, e)]; !ok {
			missing = append(missing, e)
		}
	}
	inputsMemo.Unlock()
	if len(missing) == 0 {
		return nil
	}
	_, err := DataVersion(ctx, st, missing...)
	return err
}

// remember keeps the windows' fingerprints under the data version they
// were read with.
func remember(version string, fps map[time.Time]string) {
	inputsMemo.Lock()
	defer inputsMemo.Unlock()
	if len(inputsMemo.m)+len(fps) > 256 { // a long-lived process sees many versions
		clear(inputsMemo.m)
	}
	for e, fp := range fps {
		inputsMemo.m[inputsMemoKey(version, e)] = fp
	}
}

// engineVersion fingerprints the analysis code a run was computed by, so
// a stored run of a closed month is not reused by a build that computes it
// differently: the running executable's Go build ID, whose last part the
// go command computes from the executable's bytes (any change to the code
// changes them, committed or not, go run and test binaries included), or
// its bytes themselves when it has none, else the build's revision, plus
// the derived facts' SQL and the modules.
var engineVersion = sync.OnceValue(func() string {
	h := sha256.New()
	path, err := os.Executable()
	if id, ok := buildID(path); err == nil && ok {
		fmt.Fprintf(h, "build id %s\n", id)
	} else if err != nil || !hashFile(h, path) {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
					fmt.Fprintf(h, "%s=%s\n", s.Key, s.Value)
				}
			}
		}
	}
	for _, d := range DerivedFacts() {
		fmt.Fprintf(h, "%s\n%s\n", d.Name, d.SQL)
	}
	for _, m := range Modules() {
		fmt.Fprintln(h, m.Name())
	}
	return hex.EncodeToString(h.Sum(nil)[:4])
})

// buildID reads the Go build ID of the ELF executable at path (its
// .note.go.buildid note): reading it takes a millisecond where hashing a
// 100 MB executable took 80-350 ms of every command. ok is false for
// another format or an executable built without one.
func buildID(path string) (id string, ok bool) {
	f, err := elf.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return "", false
	}
	b, err := sec.Data()
	// a note: name size, description size, type, the name "Go" padded to
	// 4 bytes, then the description, the build ID
	if err != nil || len(b) < 16 {
		return "", false
	}
	nameSize, descSize := binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint32(b[4:8])
	start := 12 + (uint64(nameSize)+3)&^3
	end := start + uint64(descSize)
	if strings.TrimRight(string(b[12:min(12+uint64(nameSize), uint64(len(b)))]), "\x00") != "Go" || end > uint64(len(b)) || descSize == 0 {
		return "", false
	}
	return string(b[start:end]), true
}

// hashFile writes the file at path into h; false when it cannot be read
// (then the build information stands in for it).
func hashFile(h io.Writer, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err == nil
}

// WindowRun says which stored run holds a window's results.
type WindowRun struct {
	ID       string
	From, To time.Time
	Cached   bool // reused: nothing it reads changed since it was computed
	// Why says why a window was analysed again: "no stored run", "inputs
	// changed", "config changed", ... ("" when Cached).
	Why      string
	Findings int
	Metrics  int
}

// Ensure makes the store hold a complete analysis of exactly the window
// opts.Env.From..To: it reuses the stored run of that window when it was
// computed with every pattern, the same config and engine, at the same
// as-of time, from the same inputs (store.WindowInputs: a sync that only
// adds later work leaves a closed window's inputs unchanged), and
// analyses the window again otherwise. Reports call it so that what they
// show is always computed for the window they print.
func Ensure(ctx context.Context, st *store.Store, opts Options) (WindowRun, error) {
	opts.Patterns = nil
	run := WindowRun{ID: RunID(opts.Env.From, opts.Env.To), From: opts.Env.From, To: opts.Env.To}
	version, err := dataVersion(ctx, st, opts)
	if err != nil {
		return run, err
	}
	want, err := windowKey(ctx, st, version, opts.Env, opts.ConfigHash)
	if err != nil {
		return run, err
	}
	got, err := storedKey(ctx, st.DB(), run.ID)
	if err != nil {
		return run, err
	}
	if got == want {
		run.Cached = true
		err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM findings WHERE run_id = $1),
	(SELECT count(*) FROM metrics WHERE run_id = $1)`, run.ID).Scan(&run.Findings, &run.Metrics)
		if err != nil || !opts.LeavePrepared {
			return run, err
		}
		return run, leavePrepared(ctx, st, opts, version)
	}
	run.Why = staleness(got, want)
	if st.ReadOnly() {
		return run, fmt.Errorf("analyze %s: the store is open read-only and holds no current analysis of this window (%s)", run.ID, run.Why)
	}
	sum, err := analyze(ctx, st, opts, version, want)
	if err != nil {
		return run, err
	}
	run.Findings, run.Metrics = len(sum.Findings), sum.Metrics
	return run, nil
}

// leavePrepared prepares the derived facts for opts's window unless they
// were last prepared for it: the stable tables are kept (or kept up), the
// facts that depend on the window built again.
func leavePrepared(ctx context.Context, st *store.Store, opts Options, version string) error {
	env := windowEnv(st, opts)
	if ok, err := preparedFor(ctx, env.DB, &env, version); err != nil || ok {
		return err
	}
	if st.ReadOnly() {
		return fmt.Errorf("analyze %s: the store is open read-only and its derived facts are prepared for another window; run `systemic analyze` for this window first",
			RunID(env.From, env.To))
	}
	return prepare(ctx, env.DB, &env, version)
}

// staleness names what differs between a stored run's key and the wanted
// one, in the order a user can act on.
func staleness(got, want runKey) string {
	gotInputs, gotRest, _ := strings.Cut(got.data, "@")
	wantInputs, wantRest, _ := strings.Cut(want.data, "@")
	gotAt, gotEngine, _ := strings.Cut(gotRest, "#")
	wantAt, wantEngine, _ := strings.Cut(wantRest, "#")
	switch {
	case got == runKey{}:
		return "no stored run"
	case got.patterns != "":
		return "stored run has some patterns only"
	case gotEngine != wantEngine:
		return "computed by another build"
	case got.config != want.config:
		return "config or plan changed"
	case gotInputs != wantInputs:
		return "inputs changed"
	case gotAt != wantAt:
		return "as-of time moved"
	}
	return "key changed"
}

func storedKey(ctx context.Context, db *sql.DB, id string) (runKey, error) {
	var k runKey
	var config, data, patterns sql.NullString
	err := db.QueryRowContext(ctx, `SELECT config_hash, inputs_version, patterns FROM runs WHERE run_id = ?`, id).
		Scan(&config, &data, &patterns)
	if errors.Is(err, sql.ErrNoRows) {
		return k, nil
	}
	if err != nil {
		return k, fmt.Errorf("read run %s: %w", id, err)
	}
	if !data.Valid { // a run from before runs recorded their window's inputs
		return k, nil
	}
	return runKey{config: config.String, data: data.String, patterns: strings.TrimSpace(patterns.String)}, nil
}

// storedPrevious reads the findings of the previous period of env's
// window (previousWindow) from its stored run, when that run is current (same
// inputs, config, engine and as-of time, every pattern): the months of a
// health trend are analysed oldest first, so each month's trend costs no
// second pass over the modules. ok is false when there is no such run.
func storedPrevious(ctx context.Context, st *store.Store, version string, env Env, opts Options) ([]Finding, bool, error) {
	if len(opts.Patterns) > 0 {
		return nil, false, nil
	}
	prev := env
	prev.From, prev.To = previousWindow(env.From, env.To)
	prev.Now = prev.To
	id := RunID(prev.From, prev.To)
	got, err := storedKey(ctx, st.DB(), id)
	if err != nil || got.data == "" || got.patterns != "" || got.config != opts.ConfigHash {
		// no complete run of the previous period to reuse: spare
		// fingerprinting its inputs
		return nil, false, err
	}
	want, err := windowKey(ctx, st, version, prev, opts.ConfigHash)
	if err != nil || got != want {
		return nil, false, err
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT pattern, severity, coalesce(team, ''), coalesce(subject_kind, ''),
	coalesce(subject, ''), coalesce(score, 0), coalesce(summary, ''), coalesce(CAST(evidence AS TEXT), '{}')
FROM findings WHERE run_id = ?`, id)
	if err != nil {
		return nil, false, fmt.Errorf("read run %s: %w", id, err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var ev string
		if err := rows.Scan(&f.Pattern, &f.Severity, &f.Team, &f.SubjectKind, &f.Subject, &f.Score, &f.Summary, &ev); err != nil {
			return nil, false, fmt.Errorf("read run %s: %w", id, err)
		}
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			return nil, false, fmt.Errorf("read run %s: evidence: %w", id, err)
		}
		if f.Evidence.Trend != TrendResolved { // a note of that run's own trend, not a finding of it
			out = append(out, f)
		}
	}
	return out, true, rows.Err()
}
