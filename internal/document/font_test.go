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

// TestCP1252HighBytes pins what the fonts print for 0x80–0x9F, the part
// where Windows-1252 differs from Latin-1, as it was hand-written before
// the table came from golang.org/x/text: an upgrade that changed it would
// change issued PDFs.
func TestCP1252HighBytes(t *testing.T) {
	want := [32]rune{
		0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
		0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
	}
	for i, r := range want {
		c := byte(0x80 + i)
		if got := cp1252Rune(c); got != r {
			t.Errorf("byte %#x prints %U, want %U", c, got, r)
		}
		if r != 0 && (!inCP1252(r) || encodeCP1252(string(r)) != string([]byte{c})) {
			t.Errorf("%U does not encode to %#x", r, c)
		}
		if inCP1252(rune(c)) || encodeCP1252(string(rune(c))) != "?" {
			t.Errorf("the C1 control %U counts as printable", rune(c))
		}
	}
}
