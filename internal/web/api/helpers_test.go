package api_test

import (
	"html"
	"regexp"
)

// regexpValue finds the value of a hidden input in a page.
func regexpValue(body, name string) string {
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
