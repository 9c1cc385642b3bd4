// Package text holds the one set of rules for text that users and
// integrations send: valid UTF-8, no control characters (line breaks only
// where a field is multi-line), and a maximum length per kind of field.
// The web layer applies it to every form value, query parameter and JSON
// string before a handler runs, so that nothing a database driver refuses
// (a NUL byte) or a terminal or PDF misreads (escape sequences) gets in.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule is what one field accepts. The zero Rule is not useful; use one of
// the named rules below or build one with a Max.
type Rule struct {
	// Max is the most characters (runes) the field takes.
	Max int
	// MultiLine allows line breaks (\n, \r) and tabs.
	MultiLine bool
	// Printable refuses everything unicode.IsPrint refuses besides the
	// line breaks a MultiLine field allows: no format characters such as
	// bidi overrides or zero-width spaces (serial numbers, codes).
	Printable bool
	// MaxWord, when set, bounds each whitespace-separated word, for
	// fields that carry a list (serial numbers one per line).
	MaxWord int
	// Secret fields (passwords) are only bounded in length: they are
	// never stored or shown, and a password may contain anything.
	Secret bool
}

// The rules by kind of field. Lengths are in characters.
var (
	// Line is a short single-line value without a rule of its own
	// (identifiers, states, flags, cursors).
	Line = Rule{Max: 200}
	// Email is an e-mail address (RFC 5321 path limit).
	Email = Rule{Max: 254}
	// Name is a person's, product's or organisation's name, a title, a
	// label.
	Name = Rule{Max: 200}
	// Search is a search query.
	Search = Rule{Max: 200}
	// Code is a short code or number (SKU, cost centre, contract number).
	Code = Rule{Max: 60, Printable: true}
	// Serial is one serial number.
	Serial = Rule{Max: 100, Printable: true}
	// SerialList is serial numbers separated by whitespace or line breaks,
	// as the delivery form takes them.
	SerialList = Rule{Max: 100_000, MultiLine: true, Printable: true, MaxWord: 100}
	// Comment is a reason, comment or note: several lines.
	Comment = Rule{Max: 2000, MultiLine: true}
	// Address is a postal address: several lines.
	Address = Rule{Max: 500, MultiLine: true}
	// Long is longer free text (product descriptions, terms).
	Long = Rule{Max: 10_000, MultiLine: true}
	// Password is a password: only its length is bounded.
	Password = Rule{Max: 1024, Secret: true}
	// Blob is machine-made text carried through a form (the fields of a
	// form sent again after a new login).
	Blob = Rule{Max: 1 << 20, MultiLine: true}
)

// Check reports what is wrong with s under r, as a German message for the
// user, or "" when s is fine.
func Check(s string, r Rule) string {
	if !utf8.ValidString(s) {
		return "Der Text ist kein gültiges UTF-8."
	}
	n := utf8.RuneCountInString(s)
	if r.Max > 0 && n > r.Max {
		return fmt.Sprintf("Höchstens %d Zeichen (sind %d).", r.Max, n)
	}
	if r.Secret {
		return ""
	}
	for i, c := range s {
		switch {
		case (c == '\n' || c == '\r' || c == '\t') && r.MultiLine:
		case unicode.IsControl(c):
			return fmt.Sprintf("Unerlaubtes Steuerzeichen %U an Stelle %d.", c, utf8.RuneCountInString(s[:i])+1)
		case r.Printable && !unicode.IsPrint(c):
			return fmt.Sprintf("Unerlaubtes Zeichen %U an Stelle %d (nur druckbare Zeichen).", c, utf8.RuneCountInString(s[:i])+1)
		}
	}
	if r.MaxWord > 0 {
		for _, w := range strings.Fields(s) {
			if k := utf8.RuneCountInString(w); k > r.MaxWord {
				return fmt.Sprintf("Jeder Eintrag höchstens %d Zeichen (einer hat %d).", r.MaxWord, k)
			}
		}
	}
	return ""
}
