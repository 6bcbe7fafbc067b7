// Command systemic finds execution patterns in Jira and GitHub history and
// holds them against the teams' plans. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C stops cleanly (the current page commits);
		// handing the signal back lets a second one end the process at once.
		<-sig
		signal.Stop(sig)
		os.Stderr.WriteString("systemic: stopping after the current step (Ctrl-C again to quit at once)\n")
		cancel()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}
