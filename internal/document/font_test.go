package document

import (
	"bytes"
	"testing"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// newTestWriter is a writer on a fresh page, for tests of text helpers.
func newTestWriter(t *testing.T, r *Renderer, unicode bool) *writer {
	t.Helper()
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetCellMargin(0)
	d := smallDoc(KindQuote)
	w := &writer{f: f, d: &d}
	w.enc = r.fonts.install(f, unicode)
	f.AddPage()
	if err := f.Error(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWithTextHyphen(t *testing.T) {
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF} {
		t.Run(name, func(t *testing.T) {
			orig := append([]byte(nil), ttf...)
			patched, err := withTextHyphen(ttf)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ttf, orig) {
				t.Fatal("the shared font bytes were modified")
			}
			before := cmapOf(t, ttf)
			after := cmapOf(t, patched)
			if after['-'] != before[0xAD] {
				t.Fatalf("hyphen-minus maps to glyph %d, want soft hyphen glyph %d", after['-'], before[0xAD])
			}
			if len(after) != len(before) {
				t.Fatalf("%d mappings after, %d before", len(after), len(before))
			}
			for c, g := range before {
				if c != '-' && after[c] != g {
					t.Fatalf("%U maps to %d, was %d", c, after[c], g)
				}
			}
		})
	}
	if _, err := withTextHyphen([]byte("not a font")); err == nil {
		t.Fatal("garbage accepted")
	}
}

func cmapOf(t *testing.T, ttf []byte) map[uint16]uint16 {
	t.Helper()
	e, err := tableEntry(ttf, "cmap")
	if err != nil {
		t.Fatal(err)
	}
	off := int(uint32(ttf[e+8])<<24 | uint32(ttf[e+9])<<16 | uint32(ttf[e+10])<<8 | uint32(ttf[e+11]))
	m, err := unicodeCmap(ttf[off:])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCP1252Map(t *testing.T) {
	m := cp1252Map()
	for _, want := range []string{"!80 U+20AC uni20AC\n", "!84 U+201E uni201E\n", "!96 U+2013 uni2013\n", "!DF U+00DF uni00DF\n", "!81 U+0081 .notdef\n", "!41 U+0041 uni0041\n"} {
		if !bytes.Contains([]byte(m), []byte(want)) {
			t.Errorf("map lacks %q", want)
		}
	}
}
