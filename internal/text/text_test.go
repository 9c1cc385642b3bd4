package text

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		value string
		rule  Rule
		ok    bool
	}{
		{"plain name", "Landkreis Börde – Kämmerei", Name, true},
		{"empty", "", Name, true},
		{"NUL", "Amt\x00", Name, false},
		{"escape sequence", "\x1b[2J", Name, false},
		{"DEL", "a\x7f", Name, false},
		{"C1 control", "a\u0085b", Name, false},
		{"invalid UTF-8", "a\xffb", Name, false},
		{"line break in a single line", "a\nb", Name, false},
		{"tab in a single line", "a\tb", Name, false},
		{"line breaks in a comment", "Erste Zeile\r\nzweite Zeile\n\tEingerückt", Comment, true},
		{"NUL in a comment", "Erste Zeile\n\x00", Comment, false},
		{"vertical tab in a comment", "a\vb", Comment, false},
		{"at the length", strings.Repeat("ä", 200), Name, true},
		{"over the length (counted in characters)", strings.Repeat("ä", 201), Name, false},
		{"e-mail at 254", strings.Repeat("a", 244) + "@b.example", Email, true},
		{"e-mail over 254", strings.Repeat("a", 245) + "@b.example", Email, false},
		{"serial number", "SN-5CG1234XYZ", Serial, true},
		{"serial number with a space", "SN 1234", Serial, true},
		{"serial number of 101", strings.Repeat("S", 101), Serial, false},
		{"serial number with a bidi override", "SN\u202e4321", Serial, false},
		{"serial number with a zero-width space", "SN\u200b1", Serial, false},
		{"serial list, one per line", "SN-1\nSN-2\r\nSN-3 SN-4", SerialList, true},
		{"serial list with one too long", "SN-1\n" + strings.Repeat("S", 101), SerialList, false},
		{"serial list with an escape", "SN-1\n\x1b[31m", SerialList, false},
		{"password with anything", "pass\x00wort\x1b", Password, true},
		{"password too long", strings.Repeat("p", 1025), Password, false},
		{"password with invalid UTF-8", "pass\xff", Password, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := Check(tt.value, tt.rule)
			if (msg == "") != tt.ok {
				t.Fatalf("Check(%q) = %q, want ok=%v", tt.value, msg, tt.ok)
			}
		})
	}
}
