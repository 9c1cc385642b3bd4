package document

import "testing"

// go test -run '^$' -bench . -benchmem ./internal/document/

func benchmarkRender(b *testing.B, d Document) {
	if _, err := Render(d); err != nil { // builds the shared fonts outside the timer
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderInvoiceOnePage is the everyday case: a one-page invoice
// with 20 lines. Target: at least 150 documents per second per goroutine.
func BenchmarkRenderInvoiceOnePage(b *testing.B) { benchmarkRender(b, invoiceDoc(20)) }

// BenchmarkRenderQuote120Lines is a long quotation of several pages.
// Target: under 50 ms.
func BenchmarkRenderQuote120Lines(b *testing.B) { benchmarkRender(b, quoteDoc(120)) }

// BenchmarkRenderInvoiceUnicodeFallback measures the slow path: a text
// outside Windows-1252 makes gofpdf parse the UTF-8 fonts per document.
func BenchmarkRenderInvoiceUnicodeFallback(b *testing.B) {
	d := invoiceDoc(20)
	d.Recipient.City = "Łódź"
	benchmarkRender(b, d)
}
