package cart_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/cart"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
)

// TestQuickOrderAllOrNothing: a quick order with one bad line adds
// nothing and names every bad line; a clean one adds every line.
func TestQuickOrderAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		buyer := f.P(t, "einkauf@boerde.example")
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-NB": 1})
		cartOf := func() map[string]int64 {
			v, err := f.Carts.View(ctx, buyer)
			ordertest.WantCode(t, err, "")
			out := map[string]int64{}
			for _, l := range v.Lines {
				out[l.Product.SKU] = l.Quantity
			}
			return out
		}
		bad := "\uFEFFArtikelnummer;Menge\r\nT-NB;2\r\n\r\nT-NOPE;1\r\nt-mon;abc\r\n;3\r\nT-SSD;1;x\r\n"
		_, err := f.Carts.Import(ctx, buyer, strings.NewReader(bad))
		ordertest.WantCode(t, err, apperr.Invalid)
		type le struct {
			line  int
			field string
		}
		var got []le
		for _, fe := range apperr.FieldsOf(err) {
			got = append(got, le{fe.Line, fe.Field})
			if fe.Message == "" {
				t.Errorf("line %d without a message", fe.Line)
			}
		}
		want := []le{{4, "sku"}, {5, "quantity"}, {6, "sku"}, {7, "line"}}
		if len(got) != len(want) {
			t.Fatalf("errors %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("error %d: %v, want %v", i, got[i], want[i])
			}
		}
		if c := cartOf(); len(c) != 1 || c["T-NB"] != 1 {
			t.Errorf("a refused quick order changed the cart: %v", c)
		}
		// Too much in total (with what the cart holds) is a line error too.
		_, err = f.Carts.Import(ctx, buyer, strings.NewReader("T-NB;99999\n"))
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Line != 1 || fe[0].Field != "quantity" {
			t.Errorf("above the maximum: %v", err)
		}
		n, err := f.Carts.Import(ctx, buyer, strings.NewReader("t-mon,3\nT-NB,2\nT-MON,1\n"))
		ordertest.WantCode(t, err, "")
		if c := cartOf(); n != 3 || len(c) != 2 || c["T-NB"] != 3 || c["T-MON"] != 4 {
			t.Errorf("clean quick order: %d lines, cart %v", n, c)
		}
		_, err = f.Carts.Import(ctx, buyer, strings.NewReader("Artikelnummer;Menge\n"))
		ordertest.WantCode(t, err, apperr.Invalid)
		_, err = f.Carts.Import(ctx, f.P(t, "genehmigung@boerde.example"), strings.NewReader("T-NB;1\n"))
		ordertest.WantCode(t, err, apperr.Forbidden)
	})
}

// TestParseQuick covers the formats a quick order tolerates.
func TestParseQuick(t *testing.T) {
	tests := []struct {
		name, in string
		lines    []cart.QuickLine
		errs     int
	}{
		{"semicolon CRLF BOM header", "\uFEFFArtikelnummer;Menge\r\nA-1;2\r\n", []cart.QuickLine{{Line: 2, SKU: "A-1", Quantity: 2}}, 0},
		{"comma", "A-1,2\nB-2,3", []cart.QuickLine{{Line: 1, SKU: "A-1", Quantity: 2}, {Line: 2, SKU: "B-2", Quantity: 3}}, 0},
		{"tab and blank lines", "SKU\tMenge\n\nA-1\t 7 \n", []cart.QuickLine{{Line: 3, SKU: "A-1", Quantity: 7}}, 0},
		{"excel sep line and quotes", "sep=;\n\"A-1\";\"4\"\n", []cart.QuickLine{{Line: 2, SKU: "A-1", Quantity: 4}}, 0},
		{"zero", "A-1;0\n", nil, 1},
		{"decimal", "A-1;1,5\n", nil, 1},
		{"empty", "\n\n", nil, 1},
		{"UTF-16", "\xff\xfeA\x00", nil, 1},
		{"latin-1", "A-1;1\nM\xfcll;1\n", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, errs := cart.ParseQuick(strings.NewReader(tt.in))
			if len(errs) != tt.errs {
				t.Fatalf("errors %v", errs)
			}
			if tt.errs > 0 {
				return
			}
			if len(lines) != len(tt.lines) {
				t.Fatalf("lines %v", lines)
			}
			for i := range lines {
				if lines[i] != tt.lines[i] {
					t.Errorf("line %d: %+v, want %+v", i, lines[i], tt.lines[i])
				}
			}
		})
	}
}
