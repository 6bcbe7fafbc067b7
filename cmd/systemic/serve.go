package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/internal/web"
)

type serveFlags struct {
	addr, token, plan string
	names             bool
}

func newServeCmd(a *app) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a local, read-only web app over the reports, findings, plan, named questions and views",
		Long: `serve starts a web app in this process for a browser on this machine: the report of any
analysed period (the same page 'systemic report' writes), its findings with filters
(period, team, pattern, severity, layer) and their evidence and timeline, each plan item
with its history, every named question as a form with its answer as a table (and a chart
for a series), team pages and the documented views. Periods and filters are in the URL,
so a page can be bookmarked and shared. Pages are plain HTML: no JavaScript, nothing
fetched from the network.

It never writes to the store. It reads the pseudonymised copy of the database that
'systemic query' reads (people are person-N) unless --names or the config's
privacy.names; with names it reads a private snapshot copy. So a sync can run while it
serves: pages then show the last readable state and say since when. Periods are those
analysed already ('systemic report' or 'run' analyse theirs).

It listens on loopback (127.0.0.1:8080). Another --addr needs --token, and every
request must then carry it (open the printed URL once; a cookie keeps it).`,
		Example: `  systemic serve
  systemic serve --addr 127.0.0.1:9000 --plan plan.yaml
  systemic serve --addr 0.0.0.0:8080 --token "$(openssl rand -hex 16)"`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runServe(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (loopback unless --token)")
	fl.StringVar(&f.token, "token", "", "secret every request must carry; required for a non-loopback --addr")
	fl.StringVar(&f.plan, "plan", "", "plan.yaml to hold the work against (default: the config's plan)")
	fl.BoolVar(&f.names, "names", false, "show people by name instead of pseudonyms")
	return cmd
}

func (a *app) runServe(ctx context.Context, f serveFlags) error {
	if err := checkAddr(f.addr, f.token); err != nil {
		return err
	}
	h, err := a.webApp(f)
	if err != nil {
		return err
	}
	defer h.close()
	start := time.Now()
	if err := h.Warm(ctx); err != nil && !errors.Is(err, live.ErrBusy) {
		return err
	}
	a.log.Debug("serve: view of the store ready", "took", time.Since(start).Round(time.Millisecond))
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return usageError("--addr %s: %v", f.addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + "/"
	if f.token != "" {
		url += "?token=" + f.token
	}
	fmt.Fprintf(a.stdout, "systemic serve: open %s (Ctrl-C stops it)\n", url)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); err != nil {
			return err
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// webApp builds the app over the store's live view with the config's
// plan, thresholds and calendar (a --db without a config needs none).
func (a *app) webApp(f serveFlags) (*webHandler, error) {
	cfg, err := a.reportConfig()
	if err != nil {
		return nil, err
	}
	plan, err := loadPlan(cfg, f.plan)
	if err != nil {
		return nil, err
	}
	src, err := a.liveSource(f.names)
	if err != nil {
		return nil, err
	}
	s, err := web.New(web.Options{Source: src, Now: a.now, Token: f.token, Plan: plan,
		Thresholds: cfg.Thresholds, Calendar: cfg.Calendar, States: cfg.States})
	if err != nil {
		src.Close()
		return nil, err
	}
	return &webHandler{Server: s, close: src.Close}, nil
}

type webHandler struct {
	*web.Server
	close func() error
}

// checkAddr refuses a non-loopback address without a token.
func checkAddr(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError("--addr %q: use HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if token != "" || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usageError("--addr %s is reachable from other machines: give --token SECRET too (every request must then carry it), "+
		"or listen on 127.0.0.1", addr)
}
