package quote_test

import (
	"context"
	"testing"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
)

// BenchmarkQuoteDocument is the builder's share of a PDF download: the
// version's order, the provider and the member loaded and mapped to a
// document.Document (rendering itself is benchmarked in internal/document).
func BenchmarkQuoteDocument(b *testing.B) {
	bdb := dbtest.Open(b, "sqlite")
	f := ordertest.Seed(b, bdb)
	qs := quotetest.Service(f)
	_, q := quotetest.Quoting(b, f, qs)
	ctx := context.Background()
	for b.Loop() {
		if _, err := qs.Document(ctx, bdb, q); err != nil {
			b.Fatal(err)
		}
	}
}
