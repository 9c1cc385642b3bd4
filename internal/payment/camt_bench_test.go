package payment_test

import (
	"bytes"
	"fmt"
	"testing"

	"coopshop/internal/payment"
)

// BenchmarkParseCamt053 parses a statement of 10 000 credit entries (a
// busy month of a large bank account).
func BenchmarkParseCamt053(b *testing.B) {
	entries := make([]string, 10000)
	for i := range entries {
		entries[i] = entry(fmt.Sprintf("B%06d", i), "1010.31", "CRDT", fmt.Sprintf("RE-2026-%06d", i+1))
	}
	doc := statement(entries...)
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for range b.N {
		lines, err := payment.ParseCamt053(bytes.NewReader(doc))
		if err != nil || len(lines) != 10000 {
			b.Fatalf("%d lines, %v", len(lines), err)
		}
	}
}
