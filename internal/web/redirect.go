package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// maxRedirectLen bounds a redirect target taken from the client.
const maxRedirectLen = 2000

// SafeRedirect is the one gate for redirect targets that come from the
// client (next, back, Referer, the path of a form sent after the session
// expired): it answers raw only when it is a clean path of this site, and
// fallback otherwise. Clean means: parsed as a URL without scheme, host or
// user; starting with exactly one "/" (before and after decoding); no
// control characters, spaces or backslashes anywhere (a CR LF would split
// the Location header, "/\t/evil.example" becomes "//evil.example" in
// browsers that drop the tab); not the login or logout page. The answer is
// ASCII only: bytes outside ASCII in the query are percent-encoded, and a
// fragment is dropped.
func SafeRedirect(raw, fallback string) string {
	if raw == "" || len(raw) > maxRedirectLen || !strings.HasPrefix(raw, "/") ||
		strings.HasPrefix(raw, "//") || strings.ContainsAny(raw, "\\ ") || hasControl(raw) {
		return fallback
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.Contains(u.Path, "\\") || hasControl(u.Path) {
		return fallback
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return fallback
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || hasControl(q) {
		return fallback
	}
	out := u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + escapeNonASCII(u.RawQuery)
	}
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return fallback
	}
	return out
}

// hasControl reports a C0 control character or DEL.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}

// escapeNonASCII percent-encodes every byte outside printable ASCII.
func escapeNonASCII(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// BackTo is the page the form was sent from (the next field, or the
// Referer when it is of this host), through SafeRedirect; else fallback.
func BackTo(c *fiber.Ctx, fallback string) string {
	if next := SafeRedirect(c.FormValue("next"), ""); next != "" {
		return next
	}
	ref, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || ref.Host == "" || ref.Host != c.Hostname() || ref.Scheme != c.Protocol() {
		return fallback
	}
	return SafeRedirect(ref.RequestURI(), fallback)
}
