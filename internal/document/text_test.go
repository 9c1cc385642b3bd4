package document

import (
	"strings"
	"testing"
)

func TestFormatQuantityAndPercent(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{formatQuantity(0), "0"},
		{formatQuantity(5), "5"},
		{formatQuantity(1200), "1.200"},
		{formatQuantity(-3), "-3"},
		{formatPercent(1000), "10 %"},
		{formatPercent(1250), "12,5 %"},
		{formatPercent(1234), "12,34 %"},
		{formatPercent(5), "0,05 %"},
		{formatPercent(10000), "100 %"},
		{formatRate(19), "19 %"},
		{formatRate(0), "0 %"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Börde – „gut“", "Börde – „gut“"},
		{"a\r\nb\rc", "a\nb c"},
		{"tab\there", "tab here"},
		{"nul\x00", "nul "},
		{"smile 🙂", "smile ?"},
		{"c1\u0085", "c1 "},
		{"bad\xffutf8", "bad?utf8"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNeedsUnicode(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Document)
		want   bool
	}{
		{"German text", func(*Document) {}, false},
		{"typographic quotes, dashes, euro", func(d *Document) { d.Note = "„x“ ‚y‘ – — … • € ß" }, false},
		{"Polish street", func(d *Document) { d.Recipient.Street = "Łódź" }, true},
		{"arrow in a line", func(d *Document) { d.Lines[0].Detail = "→" }, true},
		{"footer", func(d *Document) { d.Footer = []string{"≤"} }, true},
		{"meta label", func(d *Document) { d.Meta = [][2]string{{"Ω", ""}} }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := smallDoc(KindQuote)
			tt.change(&d)
			if got := needsUnicode(cleaned(d)); got != tt.want {
				t.Fatalf("needsUnicode = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEncodeCP1252(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain", "plain"},
		{"Größe", "Gr\xf6\xdfe"},
		{"€ „“ – —", "\x80 \x84\x93 \x96 \x97"},
		{"Ł", "?"},
	}
	for _, tt := range tests {
		if got := encodeCP1252(tt.in); got != tt.want {
			t.Errorf("encodeCP1252(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, r := range cp1252Repertoire() {
		if !inCP1252(r) {
			t.Errorf("%U in the repertoire but not encodable", r)
		}
	}
}

func TestWrap(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, unicode := range []bool{false, true} {
		w := newTestWriter(t, r, unicode)
		w.setFont(false, 10)
		tests := []struct {
			name  string
			in    string
			width float64
			want  []string
		}{
			{"empty", "", 50, nil},
			{"fits", "Landkreis Börde", 100, []string{"Landkreis Börde"}},
			{"newlines kept", "a\n\nb\n", 100, []string{"a", "", "b"}},
			{"breaks between words", "eins zwei drei", w.width("eins zwei") + 0.1, []string{"eins zwei", "drei"}},
			{"spaces collapse", "eins    zwei", 100, []string{"eins zwei"}},
		}
		for _, tt := range tests {
			got := w.wrap(tt.in, tt.width)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("unicode=%v %s: wrap = %q, want %q", unicode, tt.name, got, tt.want)
			}
		}
		long := strings.Repeat("Ü", 50)
		lines := w.wrap(long, 20)
		if strings.Join(lines, "") != long || len(lines) < 2 {
			t.Errorf("unicode=%v: long word wrapped to %q", unicode, lines)
		}
		for _, l := range lines {
			if w.width(l) > 20 {
				t.Errorf("unicode=%v: line %q is %.1f mm wide", unicode, l, w.width(l))
			}
		}
		if got := w.wrap("abc", 0); strings.Join(got, "|") != "a|b|c" {
			t.Errorf("unicode=%v: zero width wrapped to %q, want one rune per line", unicode, got)
		}
	}
}
