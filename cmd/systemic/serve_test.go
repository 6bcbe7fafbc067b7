package main

import (
	"strings"
	"testing"
)

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8080", "", true},
		{"[::1]:8080", "", true},
		{"localhost:8080", "", true},
		{"127.0.0.2:0", "", true},
		{"0.0.0.0:8080", "", false},
		{":8080", "", false},
		{"192.168.1.5:8080", "", false},
		{"[::]:8080", "", false},
		{"0.0.0.0:8080", "s3cret", true},
		{"8080", "", false},
	}
	for _, tt := range tests {
		err := checkAddr(tt.addr, tt.token)
		if (err == nil) != tt.ok {
			t.Errorf("checkAddr(%q, %q) = %v, want ok %v", tt.addr, tt.token, err, tt.ok)
		}
		if err != nil && exitCode(err) != 2 {
			t.Errorf("checkAddr(%q): exit %d, want 2 (usage)", tt.addr, exitCode(err))
		}
	}
}

func TestServeRefusesOpenAddressWithoutToken(t *testing.T) {
	code, _, stderr := systemic(t, "--db", "missing.duckdb", "serve", "--addr", "0.0.0.0:8080")
	if code != 2 || !strings.Contains(stderr, "--token") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
