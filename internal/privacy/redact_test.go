package privacy_test

import (
	"testing"

	"github.com/systemic-dev/systemic/internal/privacy"
)

func TestRedactURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:TOKEN@acme.atlassian.net", "https://acme.atlassian.net"},
		{"https://TOKEN@github.example/api/v3/repos", "https://github.example/api/v3/repos"},
		{"https://u:p@ss@host/x?y=z@w", "https://host/x?y=z@w"},
		{`Get "https://x-access-token:ghp_abc@api.github.com/repos/a/b": EOF`, `Get "https://api.github.com/repos/a/b": EOF`},
		{"two: http://a:b@h1/ and https://c@h2", "two: http://h1/ and https://h2"},
		{"https://acme.atlassian.net/browse/PLAT-1", "https://acme.atlassian.net/browse/PLAT-1"},
		{"mail alice@acme.test", "mail alice@acme.test"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := privacy.RedactURLs(tt.in); got != tt.want {
			t.Errorf("RedactURLs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
