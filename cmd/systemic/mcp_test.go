package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/mcpserver"
	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
)

// cliAt runs the command line with the clock at now (so questions that
// measure ages to now answer the same as a server with the same clock).
func cliAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut, now: func() time.Time { return now }}
	root := newRootCmd(a)
	root.SetArgs(sqlArgs(args))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		fmt.Fprintf(&errOut, "systemic: %s\n", errorText(err))
	}
	return exitCode(err), out.String(), errOut.String()
}

// mcpSession serves the tools of `systemic mcp` for the org over an
// in-memory transport and returns the SDK's client session.
func mcpSession(t *testing.T, o consistencyOrg, now time.Time, names bool) *mcp.ClientSession {
	t.Helper()
	a := &app{configPath: o.cfg, dbPath: o.db, logLevel: "error", stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, now: func() time.Time { return now }}
	if err := a.setup(); err != nil {
		t.Fatal(err)
	}
	src, err := a.liveSource(names)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	ctx := context.Background()
	server := mcpserver.New(mcpserver.Options{Source: src, Now: a.now, Version: "test"})
	st, ct := mcp.NewInMemoryTransports()
	ss, err := server.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "v0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool and returns its structured answer, or its error text.
func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (map[string]any, string) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return nil, text.String()
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: structured content is not an object: %s", tool, b)
	}
	return out, ""
}

// jsonRows decodes `query --format json` output, or the rows of a tool's
// answer, into comparable values.
func jsonRows(t *testing.T, v any) []any {
	t.Helper()
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	var rows []any
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, b)
	}
	return rows
}

func TestMCPTools(t *testing.T) {
	o := newConsistencyOrg(t)
	now := o.spec.End
	cs := mcpSession(t, o, now, false)
	ctx := context.Background()

	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"list_questions": true, "ask": true, "list_views": true, "run_sql": true, "findings": true, "explain": true}
	for _, tool := range tools.Tools {
		if tool.Description == "" || tool.InputSchema == nil {
			t.Errorf("tool %s: no description or input schema", tool.Name)
		}
		delete(want, tool.Name)
	}
	if len(want) > 0 {
		t.Fatalf("tools missing: %v", want)
	}
	var answers []string // every answer, searched for real names below

	t.Run("list_questions", func(t *testing.T) {
		out, errText := call(t, cs, "list_questions", nil)
		if errText != "" {
			t.Fatal(errText)
		}
		b, _ := json.Marshal(out)
		answers = append(answers, string(b))
		for _, q := range query.Questions() {
			if !strings.Contains(string(b), `"name":"`+q.Name+`"`) {
				t.Errorf("question %s not listed", q.Name)
			}
		}
	})

	// Every named question answers as the CLI does, with its parameters.
	answered := 0
	for _, q := range query.Questions() {
		args := map[string]any{"question": q.Name}
		cli := []string{"--config", o.cfg, "--db", o.db, "--log-level", "error", "query", q.Name, "--format", "json"}
		if q.Takes("period") {
			args["period"] = "last-month"
			cli = append(cli, "--period", "last-month")
		}
		if q.Takes("team") && q.Name != "findings" {
			args["team"] = "growth"
			cli = append(cli, "--team", "growth")
		}
		t.Run("ask/"+q.Name, func(t *testing.T) {
			out, errText := call(t, cs, "ask", args)
			if errText != "" {
				t.Fatal(errText)
			}
			code, stdout, stderr := cliAt(t, now, cli...)
			if code != 0 {
				t.Fatalf("cli: exit %d: %s", code, stderr)
			}
			got, wantRows := jsonRows(t, out["rows"]), jsonRows(t, stdout)
			if len(wantRows) > mcpserver.MaxRows {
				wantRows = wantRows[:mcpserver.MaxRows]
			}
			if g, w := mustJSON(t, got), mustJSON(t, wantRows); g != w {
				t.Errorf("ask %s differs from the CLI:\nmcp %s\ncli %s", q.Name, g, w)
			}
			if len(got) > 0 {
				answered++
			}
			b, _ := json.Marshal(out)
			answers = append(answers, string(b))
		})
	}

	if answered < len(query.Questions())/2 {
		t.Errorf("only %d of %d questions had rows to compare", answered, len(query.Questions()))
	}

	t.Run("findings", func(t *testing.T) {
		out, errText := call(t, cs, "findings", map[string]any{})
		if errText != "" {
			t.Fatal(errText)
		}
		_, stdout, _ := cliAt(t, now, "--config", o.cfg, "--db", o.db, "query", "findings", "--format", "json")
		got := jsonRows(t, out["rows"])
		if len(got) == 0 {
			t.Fatal("no findings in the latest analysis of the synthetic org")
		}
		if g, w := mustJSON(t, got), mustJSON(t, jsonRows(t, stdout)); g != w {
			t.Errorf("findings differ from the CLI:\nmcp %s\ncli %s", g, w)
		}
		// A period nobody analysed says so, rather than looking like "none found".
		out, _ = call(t, cs, "findings", map[string]any{"period": "2020-01"})
		if note, _ := out["note"].(string); !strings.Contains(note, "No analysis of exactly this period") {
			t.Errorf("unanalysed period: note %q", note)
		}
		b, _ := json.Marshal(out)
		answers = append(answers, string(b))
	})

	t.Run("list_views", func(t *testing.T) {
		out, errText := call(t, cs, "list_views", nil)
		if errText != "" {
			t.Fatal(errText)
		}
		views, _ := out["views"].([]any)
		if len(views) != len(analysis.DerivedFacts()) {
			t.Fatalf("%d views, want %d", len(views), len(analysis.DerivedFacts()))
		}
		for _, v := range views {
			v := v.(map[string]any)
			if cols, _ := v["columns"].([]any); len(cols) == 0 || v["meaning"] == "" {
				t.Errorf("view %v: no columns or meaning", v["name"])
			}
		}
	})

	t.Run("run_sql", func(t *testing.T) {
		text := "SELECT team, count(*) AS items FROM v_items GROUP BY team ORDER BY team"
		out, errText := call(t, cs, "run_sql", map[string]any{"sql": text})
		if errText != "" {
			t.Fatal(errText)
		}
		_, stdout, _ := cliAt(t, now, "--config", o.cfg, "--db", o.db, "query", text, "--format", "json")
		if g, w := mustJSON(t, jsonRows(t, out["rows"])), mustJSON(t, jsonRows(t, stdout)); g != w {
			t.Errorf("run_sql differs from the CLI:\nmcp %s\ncli %s", g, w)
		}
		out, _ = call(t, cs, "run_sql", map[string]any{"sql": "SELECT range AS n FROM range(500)"})
		if rows := jsonRows(t, out["rows"]); len(rows) != mcpserver.MaxRows || !strings.Contains(out["note"].(string), "100 of 500") {
			t.Errorf("row limit: %d rows, note %q", len(rows), out["note"])
		}
	})

	t.Run("explain", func(t *testing.T) {
		for name, kind := range map[string]string{"approval_bottleneck": "pattern", "review_pickup_p85_hours": "metric", "": "index"} {
			out, errText := call(t, cs, "explain", map[string]any{"name": name})
			if errText != "" || out["kind"] != kind {
				t.Errorf("explain %q: kind %v, error %q", name, out["kind"], errText)
			}
			if kind != "index" && out["definition"] == "" {
				t.Errorf("explain %q: no definition", name)
			}
		}
		if _, errText := call(t, cs, "explain", map[string]any{"name": "vibes"}); !strings.Contains(errText, "no pattern or metric") {
			t.Errorf("unknown name: %q", errText)
		}
	})

	t.Run("refused", func(t *testing.T) {
		var before int
		countItems(t, o.db, &before)
		for _, tc := range []struct{ tool, sql, team, want string }{
			{tool: "run_sql", sql: "DELETE FROM items", want: "refused"},
			{tool: "run_sql", sql: "SELECT 1; DROP TABLE items", want: "refused"},
			{tool: "run_sql", sql: "CREATE TABLE x AS SELECT 1", want: "refused"},
			{tool: "run_sql", sql: "SELECT * FROM read_csv('/etc/passwd')", want: "not allowed"},
			{tool: "run_sql", sql: "ATTACH '" + o.db + "' AS real", want: "refused"},
			{tool: "run_sql", sql: "SET enable_external_access = true", want: "refused"},
			{tool: "ask", team: "growth'; DROP TABLE items; --", want: "no such team"},
		} {
			args := map[string]any{"sql": tc.sql}
			if tc.tool == "ask" {
				args = map[string]any{"question": "review-load", "team": tc.team}
			}
			_, errText := call(t, cs, tc.tool, args)
			if !strings.Contains(errText, tc.want) {
				t.Errorf("%s %v: error %q, want %q", tc.tool, args, errText, tc.want)
			}
		}
		var after int
		countItems(t, o.db, &after)
		if after != before || before == 0 {
			t.Errorf("items %d before, %d after the refused writes", before, after)
		}
	})

	// A name lookup answers pseudonyms: no real name, login or email of
	// the synthetic org appears in any answer.
	t.Run("pseudonymised", func(t *testing.T) {
		for _, text := range []string{
			"SELECT person_id, display_name, email FROM people",
			"SELECT identity_id, login, display_name, email, external_id FROM identities",
			"SELECT * FROM v_identity",
		} {
			out, errText := call(t, cs, "run_sql", map[string]any{"sql": text})
			if errText != "" {
				t.Fatalf("%s: %s", text, errText)
			}
			b, _ := json.Marshal(out)
			answers = append(answers, string(b))
		}
		real := realNames(t, o.db)
		if len(real) < 10 {
			t.Fatalf("only %d real names to look for", len(real))
		}
		all := strings.Join(answers, "\n")
		for _, name := range real {
			if strings.Contains(all, name) {
				t.Errorf("real name %q appears in an answer", name)
			}
		}
	})
}

// realNames reads the display names, logins and emails of the real store.
func realNames(t *testing.T, db string) []string {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().Query(`SELECT DISTINCT v FROM (
	SELECT display_name AS v FROM people UNION ALL SELECT email FROM people
	UNION ALL SELECT login FROM identities UNION ALL SELECT display_name FROM identities)
WHERE v IS NOT NULL AND length(v) >= 5 AND v NOT LIKE 'person-%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		names = append(names, v)
	}
	return names
}

func countItems(t *testing.T, db string, n *int) {
	t.Helper()
	st, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DB().QueryRow(`SELECT count(*) FROM items`).Scan(n); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
