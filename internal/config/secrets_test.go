package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/config"
)

// TestURLCredentialsRejected: a user name or token in a source url is a
// problem naming file, line and field and pointing at auth, and the
// message never repeats the credential.
func TestURLCredentialsRejected(t *testing.T) {
	const token = "TOKEN-s3cr3t-91"
	tests := []struct{ name, url, want string }{
		{"user and token", "https://alice:" + token + "@acme.atlassian.net",
			`systemic.yaml:4: sources[0].url: https://acme.atlassian.net holds a user name or password; put credentials in auth`},
		{"token as user", "https://" + token + "@acme.atlassian.net/jira",
			`systemic.yaml:4: sources[0].url: https://acme.atlassian.net/jira holds a user name or password`},
		{"from the environment", "https://x:${URL_TOKEN}@acme.atlassian.net",
			`systemic.yaml:4: sources[0].url: https://acme.atlassian.net holds a user name or password`},
		{"unparseable", "https://al ice:" + token + "@acme.atlassian.net",
			`systemic.yaml:4: sources[0].url: the url holds a user name or password`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "sources:\n  - name: j\n    kind: jira\n    url: \"" + tt.url + "\"\n" +
				"    auth: {email: a@b.test, token: t}\n    projects: [P]\n"
			_, err := config.Parse("systemic.yaml", []byte(yaml), env(map[string]string{"URL_TOKEN": token}))
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got  %s\nwant %s...", err, tt.want)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "alice") {
				t.Errorf("the message repeats the credential: %s", err)
			}
		})
	}
}
