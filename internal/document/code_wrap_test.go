package document

import (
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"

	"coopshop/internal/document/pdftext"
)

// TestLongCodesBreakOnlyAtSeparators: long article numbers and units do
// not break mid-word in the table (issue 13): the column widens to the
// longest unbreakable part and wraps after "-" or "/" only.
func TestLongCodesBreakOnlyAtSeparators(t *testing.T) {
	long := line(1, "SRV-CLOUD-WORKPLACE-PREMIUM-36M", "Cloud-Arbeitsplatz Premium, 36 Monate", 12, "Arbeitsplatz/Monat", 3990, 0, 19)
	d := smallDoc(KindQuote)
	d.Lines = append([]Line{long}, d.Lines[1:]...)
	for i := range d.Lines {
		d.Lines[i].Position = i + 1
	}
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdftext.Pages(t, pdf), "\n")
	for _, word := range []string{"SRV-", "CLOUD-", "WORKPLACE-", "PREMIUM-", "36M", "Arbeitsplatz/", "Monat", "DS-USB-C", "Pausch."} {
		if !strings.Contains(text, word) {
			t.Errorf("%q is broken or missing in:\n%s", word, text)
		}
	}
	// The same data give the same bytes.
	again, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(pdf) {
		t.Error("the same document rendered twice differs")
	}
}

func TestWrapCode(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	d := smallDoc(KindQuote)
	f := gofpdf.New("P", "mm", "A4", "")
	w := &writer{f: f, d: &d}
	w.enc = r.fonts.install(f, false)
	f.AddPage()
	w.setFont(false, sizeTable)
	for _, tt := range []struct {
		in   string
		maxW float64
	}{
		{"NB-LEN-T14-G5", 12},
		{"SRV-CLOUD-WORKPLACE-PREMIUM-36M", 20},
		{"Arbeitsplatz/Monat", 16},
		{"Stück", 12},
	} {
		lines := w.wrapCode(tt.in, tt.maxW)
		if strings.Join(lines, "") != tt.in {
			t.Errorf("%q → %q loses characters", tt.in, lines)
		}
		for i, l := range lines[:len(lines)-1] {
			if !strings.ContainsAny(l[len(l)-1:], "-/_. ") && !strings.ContainsAny(lines[i+1][:1], "-/_. ") {
				t.Errorf("%q → %q: line %d ends inside a word", tt.in, lines, i)
			}
		}
	}
}
