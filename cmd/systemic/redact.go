package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/systemic-dev/systemic/internal/privacy"
)

// redactHandler removes user names and passwords from every URL in a log
// record (message, string and error attributes, groups) before the
// wrapped handler writes it: a credential that reached a URL despite the
// config check still never reaches the log.
type redactHandler struct{ slog.Handler }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, privacy.RedactURLs(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return redactHandler{h.Handler.WithAttrs(clean)}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.Handler.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, privacy.RedactURLs(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, privacy.RedactURLs(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, privacy.RedactURLs(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// errorText is how an error is printed to the user: without credentials
// in any URL it quotes.
func errorText(err error) string {
	text := privacy.RedactURLs(err.Error())
	if strings.Contains(text, "Out of Memory Error") {
		// DuckDB's own advice names its SQL settings; ours is the config key
		text += "\n\nsystemic: DuckDB reached its memory cap: raise storage.memory_limit in the config (default 768MiB, or 256MiB per core), e.g. memory_limit: 4GiB"
	}
	return text
}
