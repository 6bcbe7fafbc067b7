package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/systemic-dev/systemic/connectors"
)

// Exit codes, decided in one place (exitCode).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitPartial = 3
	// exitInterrupted is the shell's convention for a process stopped by
	// SIGINT (128+2), so cron wrappers and scripts can tell Ctrl-C from a failure.
	exitInterrupted = 130
)

// usageErr marks a usage or configuration problem (exit 2).
type usageErr struct{ err error }

func (e usageErr) Error() string { return e.err.Error() }
func (e usageErr) Unwrap() error { return e.err }

// usageError returns an error that exits with code 2.
func usageError(format string, args ...any) error {
	return usageErr{fmt.Errorf(format, args...)}
}

// asUsage marks err (a configuration problem) as a usage error.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	return usageErr{err}
}

func exitCode(err error) int {
	var u usageErr
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, connectors.ErrPartial):
		return exitPartial
	}
	return exitFailure
}

// interruptedErr is a plain message that still counts as context.Canceled
// (exit 130), without the driver's "context canceled" tacked on.
type interruptedErr struct{ msg string }

func (e interruptedErr) Error() string { return e.msg }
func (e interruptedErr) Unwrap() error { return context.Canceled }

// interrupted rewrites an error caused by Ctrl-C or SIGTERM into one plain
// sentence; the sync's own message (what is stored, how to resume) is kept.
func interrupted(err error) error {
	var ie interruptedErr
	if errors.As(err, &ie) {
		return ie
	}
	return interruptedErr{"interrupted before finishing; run the same command again"}
}
