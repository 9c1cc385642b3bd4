package document

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/text/encoding/charmap"
)

// fontFamily is the family name every text is set in. See FONTS.md for the
// font and its licence.
const fontFamily = "go"

// Why two ways to load the same font: for a UTF-8 TrueType font
// (AddUTF8FontFromBytes) gofpdf v1.16.2 does per document, per face, work
// that cannot be shared: it parses the font, JSON-encodes a 65,536-entry
// width table to hash a font ID, and on output cuts a subset and compresses
// a 128 KB CIDToGIDMap. The parsed state lives in unexported fields of each
// Fpdf, so there is no supported way to reuse it; two faces cost about
// 4–9 ms per document, more than all the rest. A font definition in
// gofpdf's own JSON+zlib format (AddFontFromBytes) is built once per process
// and per document only decoded and copied (well under 0.1 ms), but it is a
// single-byte font in the Windows-1252 encoding. That encoding holds
// everything German business text needs (ä ö ü ß € „ “ ‚ ‘ – — … •), so
// Render uses the fast path for every document whose text fits and falls
// back to the UTF-8 fonts for the rare one that does not (a Polish street
// name, an arrow). Both paths print the same glyphs.

// faceDef is one face prepared for AddFontFromBytes.
type faceDef struct {
	json []byte // gofpdf font definition
	z    []byte // zlib-compressed TrueType program, embedded in every PDF
}

// fontSet holds the Go fonts in both forms. It is immutable after
// buildFontSet, so one fontSet serves any number of goroutines.
type fontSet struct {
	regular, bold       faceDef
	regularTTF, boldTTF []byte // with a text hyphen (ttfcmap.go), for the UTF-8 path
}

// cp1252 is Windows-1252 as golang.org/x/text defines it. It decodes the
// five bytes Windows-1252 leaves unassigned (0x81, 0x8D, 0x8F, 0x90, 0x9D)
// to U+FFFD; the fonts have no glyph for those, so cp1252Rune and
// inCP1252 treat them, like every control, as holes.
var cp1252 = charmap.Windows1252

// cp1252Rune is the printable character byte c stands for in the fonts, 0
// for none (a control or an unassigned byte).
func cp1252Rune(c byte) rune {
	r := cp1252.DecodeByte(c)
	if r < 0x20 || (r >= 0x7F && r < 0xA0) || r == utf8.RuneError {
		return 0
	}
	return r
}

// inCP1252 reports whether r is printable in the Windows-1252 fonts.
func inCP1252(r rune) bool {
	if (r >= 0x20 && r < 0x7F) || (r >= 0xA0 && r <= 0xFF) {
		return true
	}
	c, ok := cp1252.EncodeRune(r)
	return ok && r != 0 && cp1252Rune(c) == r
}

// encodeCP1252 converts sanitized UTF-8 text to Windows-1252 bytes for the
// fast fonts. Callers check fitsCP1252 first; a rune that does not fit
// becomes "?" rather than a corrupt byte.
func encodeCP1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x80 {
			b = append(b, byte(r))
		} else if c, ok := cp1252.EncodeRune(r); ok && cp1252Rune(c) == r {
			b = append(b, c)
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}

// cp1252Repertoire is every printable Windows-1252 character as UTF-8, the
// cut set for the embedded font program.
func cp1252Repertoire() string {
	var b strings.Builder
	for r := rune(0x20); r <= 0xFF; r++ {
		if inCP1252(r) {
			b.WriteRune(r)
		}
	}
	for c := 0x80; c < 0xA0; c++ {
		if r := cp1252Rune(byte(c)); r != 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cp1252Map is the encoding file gofpdf.MakeFont reads, in its "!80 U+20AC
// Euro" format. Glyph names only matter for ".notdef"; MakeFont compares
// them with "cp1252.map" in the same directory, which is this file, so the
// definition gets the plain WinAnsiEncoding.
func cp1252Map() string {
	var b strings.Builder
	for c := 0; c < 256; c++ {
		r := cp1252Rune(byte(c))
		if r == 0 {
			fmt.Fprintf(&b, "!%02X U+%04X .notdef\n", c, c)
			continue
		}
		fmt.Fprintf(&b, "!%02X U+%04X uni%04X\n", c, r, r)
	}
	return b.String()
}

// buildFontSet turns the Go fonts into gofpdf font definitions once. The
// font programs are first cut to the Windows-1252 repertoire (≈25 KB
// compressed per face instead of ≈69 KB). gofpdf.MakeFont only works on
// files, so this runs in a temporary directory that is removed again.
// The result depends only on the font bytes and the gofpdf version, so every
// process builds the same bytes and re-rendering after a restart reproduces
// a stored document's SHA-256.
func buildFontSet() (*fontSet, error) {
	dir, err := os.MkdirTemp("", "coopshop-fonts-")
	if err != nil {
		return nil, fmt.Errorf("document: font temp dir: %w", err)
	}
	defer os.RemoveAll(dir)

	mapFile := filepath.Join(dir, "cp1252.map")
	if err := os.WriteFile(mapFile, []byte(cp1252Map()), 0o600); err != nil {
		return nil, fmt.Errorf("document: write encoding map: %w", err)
	}
	cut := cp1252Repertoire()
	var fs fontSet
	if fs.regularTTF, err = withTextHyphen(goregular.TTF); err != nil {
		return nil, fmt.Errorf("document: patch goregular: %w", err)
	}
	if fs.boldTTF, err = withTextHyphen(gobold.TTF); err != nil {
		return nil, fmt.Errorf("document: patch gobold: %w", err)
	}
	for _, face := range []struct {
		name string
		ttf  []byte
		dst  *faceDef
	}{
		{"goregular", fs.regularTTF, &fs.regular},
		{"gobold", fs.boldTTF, &fs.bold},
	} {
		ttfFile := filepath.Join(dir, face.name+".ttf")
		// A copy again, see install: UTF8CutFont writes into its input.
		if err := os.WriteFile(ttfFile, gofpdf.UTF8CutFont(bytes.Clone(face.ttf), cut), 0o600); err != nil {
			return nil, fmt.Errorf("document: write %s: %w", face.name, err)
		}
		var msgs bytes.Buffer
		if err := gofpdf.MakeFont(ttfFile, mapFile, dir, &msgs, true); err != nil {
			return nil, fmt.Errorf("document: make font %s: %w", face.name, err)
		}
		if strings.Contains(msgs.String(), "missing") {
			return nil, fmt.Errorf("document: font %s lacks Windows-1252 glyphs: %s", face.name, strings.TrimSpace(msgs.String()))
		}
		if face.dst.json, err = os.ReadFile(filepath.Join(dir, face.name+".json")); err != nil {
			return nil, fmt.Errorf("document: read %s definition: %w", face.name, err)
		}
		if face.dst.z, err = os.ReadFile(filepath.Join(dir, face.name+".z")); err != nil {
			return nil, fmt.Errorf("document: read %s program: %w", face.name, err)
		}
	}
	return &fs, nil
}

// install registers the regular and bold face in f, either from the
// prepared Windows-1252 definitions or, for text outside that encoding, from
// the full UTF-8 TrueType fonts. It returns the function that turns UTF-8
// text into what the installed fonts expect.
func (fs *fontSet) install(f *gofpdf.Fpdf, unicode bool) func(string) string {
	if unicode {
		// Each document gets its own copy: gofpdf v1.16.2 pads table
		// slices that alias the font bytes with append (generateChecksum
		// in utf8fontfile.go), writing into the caller's array, which is a
		// data race between concurrent renders. The copy costs ~20 µs.
		f.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(fs.regularTTF))
		f.AddUTF8FontFromBytes(fontFamily, "B", bytes.Clone(fs.boldTTF))
		return func(s string) string { return s }
	}
	f.AddFontFromBytes(fontFamily, "", fs.regular.json, fs.regular.z)
	f.AddFontFromBytes(fontFamily, "B", fs.bold.json, fs.bold.z)
	return encodeCP1252
}
