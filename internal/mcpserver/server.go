package mcpserver

import (
	"context"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/systemic-dev/systemic/internal/live"
)

// MaxRows is the most rows a tool returns; more are cut with a note.
const MaxRows = 100

// Options configure the server.
type Options struct {
	Source *live.Source
	Now    func() time.Time // windows such as last-month are resolved against it
	// Facts, when set, gives the statements each question runs first: the
	// derived facts as of its now (analysis.WindowFacts), since the store's
	// hold the window last analysed.
	Facts   func(asOf time.Time) []string
	Version string
}

const instructions = `systemic answers questions about how an organisation's work flows, from its Jira and
GitHub history: who waits on whom, where reviews pile up, what is blocked, which decisions wait,
what the analysis found. Start with list_questions and ask (named questions with parameters);
use findings for what the analysis detected in a period and explain for what a pattern or metric
means. list_views and run_sql are for questions no named question answers. People appear as
pseudonyms (person-N) unless the server was started with --names; durations are working hours
unless a column says days; periods are like 2026-10, 2026-W41, 2026 or last-month, and a quarter
is from 2026-10-01 to 2026-12-31.`

// New returns the MCP server with every tool added.
func New(opts Options) *mcp.Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "systemic", Version: opts.Version},
		&mcp.ServerOptions{Instructions: instructions})
	t := &tools{opts: opts}
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(bool)}
	mcp.AddTool(s, &mcp.Tool{Name: "list_questions", Annotations: readOnly,
		Description: "List the named questions systemic answers (name, what it answers, the parameters it takes). " +
			"Call this first, then ask one with the ask tool."}, t.listQuestions)
	mcp.AddTool(s, &mcp.Tool{Name: "ask", Annotations: readOnly,
		Description: "Answer one named question (see list_questions), e.g. who-waits-on-whom for a quarter or review-load " +
			"for a team. Give only the parameters the question takes. Returns columns and rows (at most " +
			itoa(MaxRows) + ", with a note when cut)."}, t.ask)
	mcp.AddTool(s, &mcp.Tool{Name: "list_views", Annotations: readOnly,
		Description: "List the documented views (v_*) run_sql can read: each with its meaning and its columns and types."}, t.listViews)
	mcp.AddTool(s, &mcp.Tool{Name: "run_sql", Annotations: readOnly,
		Description: "Run one read-only SQL statement (DuckDB dialect) over the store's tables and the documented views " +
			"(see list_views), for questions no named question answers. Writes, settings, files, URLs and extensions " +
			"are refused. Returns at most " + itoa(MaxRows) + " rows, with a note when cut."}, t.runSQL)
	mcp.AddTool(s, &mcp.Tool{Name: "findings", Annotations: readOnly,
		Description: "The findings systemic's analysis detected for a period (exactly that analysed window; without a period, " +
			"the latest analysis), most severe first: pattern, severity, team, subject, score and a summary. " +
			"Filter by team and pattern; use explain for what a pattern means."}, t.findings)
	mcp.AddTool(s, &mcp.Tool{Name: "explain", Annotations: readOnly,
		Description: "Explain a pattern (e.g. approval_bottleneck, stalled_commitment) or a metric (e.g. review_pickup_p85_hours): " +
			"what is measured, from what, its unit, direction and thresholds. Without a name, lists every pattern and metric."}, t.explain)
	return s
}

// Run serves the tools on stdin/stdout until the client disconnects or
// ctx ends.
func Run(ctx context.Context, opts Options) error {
	return New(opts).Run(ctx, &mcp.StdioTransport{})
}
