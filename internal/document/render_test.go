package document

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRenderIsByteIdentical(t *testing.T) {
	draft := quoteDoc(120)
	draft.Draft = true
	unicode := smallDoc(KindInvoice)
	unicode.Recipient.City = "Łódź"
	tests := []struct {
		name string
		doc  Document
	}{
		{"quote", smallDoc(KindQuote)},
		{"invoice 20 lines", invoiceDoc(20)},
		{"draft 120 lines", draft},
		{"unicode fallback", unicode},
	}
	other, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, err := Render(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(first, []byte("%PDF-")) {
				t.Fatalf("output does not start with %%PDF-: %q", first[:min(len(first), 16)])
			}
			// A second, independently built renderer stands for another
			// process: a stored SHA-256 must survive a restart.
			again, err := other.Render(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatalf("two renderers differ: %x vs %x", sha256.Sum256(first), sha256.Sum256(again))
			}

			const workers = 4
			results := make([][]byte, workers)
			errs := make([]error, workers)
			var wg sync.WaitGroup
			for i := range workers {
				wg.Go(func() { results[i], errs[i] = Render(tt.doc) })
			}
			wg.Wait()
			for i := range workers {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				if !bytes.Equal(first, results[i]) {
					t.Fatalf("goroutine %d rendered different bytes", i)
				}
			}
		})
	}
}

// TestRenderConcurrentMixed renders different documents on both font paths
// at once; with -race it guards the shared font data.
func TestRenderConcurrentMixed(t *testing.T) {
	unicode := invoiceDoc(5)
	unicode.Note = "Rückfragen → Frau Dvořák"
	docs := []Document{smallDoc(KindQuote), invoiceDoc(20), unicode, quoteDoc(40), smallDoc(KindCreditNote), unicode}
	want := make([][]byte, len(docs))
	for i, d := range docs {
		var err error
		if want[i], err = Render(d); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for round := range 3 {
		for i, d := range docs {
			wg.Go(func() {
				got, err := Render(d)
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(got, want[i]) {
					t.Errorf("round %d, document %d: bytes differ from the sequential rendering", round, i)
				}
			})
		}
	}
	wg.Wait()
}

func TestRenderUsesDocumentDate(t *testing.T) {
	pdf, err := Render(smallDoc(KindQuote))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/CreationDate (D:20261122000000)", "/ModDate (D:20261122000000)"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("missing %s", want)
		}
	}
}

func TestRenderDoesNotModifyInput(t *testing.T) {
	d := smallDoc(KindQuote)
	d.Lines[0].Text = "Notebook\twith tab"
	if _, err := Render(d); err != nil {
		t.Fatal(err)
	}
	if d.Lines[0].Text != "Notebook\twith tab" {
		t.Fatalf("caller's line changed to %q", d.Lines[0].Text)
	}
}

func TestRenderOddInput(t *testing.T) {
	long := smallDoc(KindQuote)
	long.Lines[0].Text = strings.Repeat("Überlänge", 40) // one word wider than the column
	long.Note = strings.Repeat("Sehr lange Anmerkung mit vielen Worten. ", 400)
	emoji := smallDoc(KindQuote)
	emoji.Intro = "Danke 🙂\r\nZeile\x00zwei"
	textLine := smallDoc(KindOrderConfirmation)
	textLine.Lines = append(textLine.Lines, Line{Text: "Hinweis: Lieferung erfolgt in zwei Teilen."})
	empty := smallDoc(KindOrderRequest)
	empty.Lines, empty.Terms, empty.Footer, empty.Meta = nil, nil, nil, nil
	tests := []struct {
		name string
		doc  Document
	}{
		{"long word and note", long},
		{"emoji and control characters", emoji},
		{"text line", textLine},
		{"no lines", empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := Render(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if len(pdf) < 1000 {
				t.Fatalf("suspiciously small PDF: %d bytes", len(pdf))
			}
		})
	}
}

func TestRenderRejectsInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Document)
	}{
		{"unknown kind", func(d *Document) { d.Kind = "Mahnung" }},
		{"no number", func(d *Document) { d.Number = "" }},
		{"no date", func(d *Document) { d.Date = time.Time{} }},
		{"negative version", func(d *Document) { d.VersionNo = -1 }},
		{"no issuer", func(d *Document) { d.Issuer.Name = "" }},
		{"net does not add up", func(d *Document) { d.Lines[1].NetCents++ }},
		{"VAT rate", func(d *Document) { d.Lines[0].VATPercent = 190 }},
		{"discount", func(d *Document) { d.Lines[0].DiscountBP = 10001 }},
		{"row taller than a page", func(d *Document) { d.Lines[0].Detail = strings.Repeat("Seriennummer\n", 80) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := smallDoc(KindInvoice)
			tt.change(&d)
			pdf, err := Render(d)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if pdf != nil {
				t.Fatal("got bytes with an error")
			}
		})
	}
}

func TestDocumentTitleAndNumber(t *testing.T) {
	tests := []struct {
		kind    Kind
		version int
		title   string
		number  string
	}{
		{KindQuote, 2, "Angebot AN-2026-000045 (Version 2)", "AN-2026-000045 v2"},
		{KindInvoice, 0, "Rechnung AN-2026-000045", "AN-2026-000045"},
		{KindOrderConfirmation, 0, "Auftragsbestätigung AN-2026-000045", "AN-2026-000045"},
	}
	for _, tt := range tests {
		d := smallDoc(tt.kind)
		d.VersionNo = tt.version
		if got := d.Title(); got != tt.title {
			t.Errorf("Title() = %q, want %q", got, tt.title)
		}
		if got := d.DisplayNumber(); got != tt.number {
			t.Errorf("DisplayNumber() = %q, want %q", got, tt.number)
		}
	}
}

func TestDocumentTotals(t *testing.T) {
	got := smallDoc(KindInvoice).Totals()
	if got.NetCents != 129446 || got.VATCents != 23876 || got.GrossCents != 153322 || len(got.Rates) != 2 {
		t.Fatalf("Totals = %+v", got)
	}
	if r := got.Rates[1]; r.VATPercent != 19 || r.NetCents != 123456 || r.VATCents != 23457 {
		t.Fatalf("19 %% rate = %+v", r)
	}
}
