package privacy

import "regexp"

// userinfo matches the user and password part of a URL ("user:token@"),
// up to the last @ before the host's end.
var userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@`)

// RedactURLs removes the user name and password from every URL in s
// ("https://user:TOKEN@host/x" -> "https://host/x"), so a credential
// written into a URL never reaches a log, an error message, the database
// or a report. Text without such a URL is returned unchanged.
func RedactURLs(s string) string {
	return userinfo.ReplaceAllString(s, "${1}")
}
