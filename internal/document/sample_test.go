package document

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteSamples writes sample PDFs for looking at the layout:
//
//	COOPSHOP_SAMPLE_DIR=/tmp go test -run TestWriteSamples ./internal/document/
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("COOPSHOP_SAMPLE_DIR")
	if dir == "" {
		t.Skip("set COOPSHOP_SAMPLE_DIR to write sample PDFs")
	}
	draft := quoteDoc(120)
	draft.Draft = true
	unicode := smallDoc(KindInvoice)
	unicode.Recipient.Street = "ul. Piotrkowska 104, Łódź"
	for name, d := range map[string]Document{
		"sample-quote.pdf":        smallDoc(KindQuote),
		"sample-quote-120.pdf":    quoteDoc(120),
		"sample-quote-draft.pdf":  draft,
		"sample-invoice-20.pdf":   invoiceDoc(20),
		"sample-invoice-utf8.pdf": unicode,
		"sample-credit-note.pdf":  smallDoc(KindCreditNote),
	} {
		pdf, err := Render(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
