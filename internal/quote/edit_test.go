package quote_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// TestEditChecks walks the draft's validation: every wrong input is a 422
// naming its field, and nothing is stored.
func TestEditChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		sales := f.P(t, "vertrieb@kid.example")
		_, q := quotetest.Quoting(t, f, qs)
		past := calendar.Today().AddDays(-1)
		far := calendar.Today().AddDays(400)
		// The order's lines come in the cart's order; find them.
		at := func(sku string) int {
			for i, l := range q.Lines {
				if l.SKU == sku {
					return i
				}
			}
			t.Fatalf("no line %s", sku)
			return -1
		}
		tests := []struct {
			name  string
			edit  func(ls []quote.LineInput) []quote.LineInput
			valid *calendar.Date
			field string
		}{
			{"negative price", func(ls []quote.LineInput) []quote.LineInput {
				quotetest.Line(f, ls, "T-SRV").UnitPriceCents = -1
				return ls
			}, nil, fmt.Sprintf("lines[%d].unit_price_cents", at("T-SRV"))},
			{"discount above 100 %", func(ls []quote.LineInput) []quote.LineInput {
				quotetest.Line(f, ls, "T-DOCK").DiscountBP = 10001
				return ls
			}, nil, fmt.Sprintf("lines[%d].discount_percent", at("T-DOCK"))},
			{"zero quantity", func(ls []quote.LineInput) []quote.LineInput { ls[0].Quantity = 0; return ls }, nil, "lines[0].quantity"},
			{"order line dropped", func(ls []quote.LineInput) []quote.LineInput { return ls[1:] }, nil, "lines"},
			{"product not in the order", func(ls []quote.LineInput) []quote.LineInput {
				return append(ls, quote.LineInput{ProductID: f.Products["T-MON"].ID, Quantity: 1})
			}, nil, "lines[3].product_id"},
			{"free line without text", func(ls []quote.LineInput) []quote.LineInput {
				return append(ls, quote.LineInput{Quantity: 1, UnitPriceCents: 100, VATPercent: 19})
			}, nil, "lines[3].description"},
			{"free line with 16 % VAT", func(ls []quote.LineInput) []quote.LineInput {
				return append(ls, quote.LineInput{Description: "Projekttag", Quantity: 1, UnitPriceCents: 100, VATPercent: 16})
			}, nil, "lines[3].vat_percent"},
			{"validity in the past", nil, &past, "valid_until"},
			{"validity beyond a year", nil, &far, "valid_until"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := quote.Input{ValidUntil: tt.valid}
				if tt.edit != nil {
					ls := tt.edit(quotetest.Lines(q))
					in.Lines = &ls
				}
				_, err := qs.Update(ctx, sales, q.ID, q.Version, in)
				ordertest.WantCode(t, err, apperr.Invalid)
				found := false
				for _, fe := range apperr.FieldsOf(err) {
					found = found || fe.Field == tt.field
				}
				if !found {
					t.Errorf("field errors %+v lack %s", apperr.FieldsOf(err), tt.field)
				}
			})
		}
		// Nothing was stored; a draft with an unpriced service cannot be
		// submitted.
		after, err := qs.Get(ctx, sales, q.ID)
		ordertest.WantCode(t, err, "")
		if after.Version != q.Version || len(after.Lines) != 3 {
			t.Fatalf("draft changed: v%d, %d lines", after.Version, len(after.Lines))
		}
		_, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Invalid)
		if !strings.Contains(apperr.FieldsOf(err)[0].Message, "Test-Vor-Ort-Einrichtung") {
			t.Errorf("submit message %+v", apperr.FieldsOf(err))
		}
		// Read-only roles read drafts but cannot change them.
		auditor := f.P(t, "revision@kid.example")
		if _, err := qs.Get(ctx, auditor, q.ID); err != nil {
			t.Errorf("auditor reads a draft: %v", err)
		}
		note := "x"
		_, err = qs.Update(ctx, auditor, q.ID, q.Version, quote.Input{Note: &note})
		ordertest.WantCode(t, err, apperr.Forbidden)
	})
}

// TestReturnToDraft: the sales lead declines to approve with a comment;
// the draft can be changed and submitted again.
func TestReturnToDraft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		sales, lead := f.P(t, "vertrieb@kid.example"), f.P(t, "vertriebsleitung@kid.example")
		_, q := quotetest.Quoting(t, f, qs)
		lines := quotetest.Lines(q)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-NB").DiscountBP = 2000
		q, err := qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")
		_, err = qs.Return(ctx, lead, q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Invalid)
		q, err = qs.Return(ctx, lead, q.ID, q.Version, "20 % sind zu viel.")
		ordertest.WantCode(t, err, "")
		if q.State != quote.StateDraft || q.SubmittedBy != nil {
			t.Fatalf("after return %s", q.State)
		}
		if got := recipients(t, f, q.ID, "quote.return"); len(got) != 1 || got[0] != "vertrieb@kid.example" {
			t.Errorf("return mail to %v", got)
		}
	})
}

func TestApprovalThresholds(t *testing.T) {
	line := func(qty, price, bp, vat int64) *quote.Line {
		return &quote.Line{Description: "X", Quantity: qty, UnitPriceCents: price, DiscountBP: bp, VATPercent: vat,
			NetCents: money.LineNet(qty, price, bp)}
	}
	tests := []struct {
		name  string
		lines []*quote.Line
		want  int
	}{
		{"10 % is fine", []*quote.Line{line(1, 10000, 1000, 19)}, 0},
		{"10,01 % needs approval", []*quote.Line{line(1, 10000, 1001, 19)}, 1},
		{"gross exactly 50.000,00 €", []*quote.Line{line(1, 4201681, 0, 19)}, 0}, // 42.016,81 + 7.983,19
		{"gross 50.000,01 €", []*quote.Line{line(1, 4201681, 0, 19), line(1, 1, 0, 0)}, 1},
		{"both", []*quote.Line{line(10, 500000, 1500, 19)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &quote.Quote{Lines: tt.lines}
			if got := q.ApprovalReasons(); len(got) != tt.want {
				t.Errorf("reasons %q (gross %d), want %d", got, q.Totals().GrossCents, tt.want)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		in string
		bp int64
		ok bool
	}{{"15", 1500, true}, {"12,5", 1250, true}, {"12.25 %", 1225, true}, {"", 0, true}, {"0,05", 5, true},
		{"100", 10000, true}, {"100,01", 0, false}, {"-1", 0, false}, {"1,234", 0, false}, {"abc", 0, false}} {
		bp, ok := quote.ParsePercent(tt.in)
		if ok != tt.ok || (ok && bp != tt.bp) {
			t.Errorf("ParsePercent(%q) = %d %v, want %d %v", tt.in, bp, ok, tt.bp, tt.ok)
		}
	}
	for bp, want := range map[int64]string{1500: "15", 1250: "12,5", 1225: "12,25", 5: "0,05", 0: "0", 10000: "100"} {
		if got := quote.Percent(bp); got != want {
			t.Errorf("Percent(%d) = %q, want %q", bp, got, want)
		}
	}
}

// TestWithdrawnWhileQuoting: the member withdraws the order while its
// quotation is out; the version can no longer be accepted or revised, and
// it expires without touching the order.
func TestWithdrawnWhileQuoting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		ss := quotetest.Sales(f, qs)
		buyer := f.P(t, "einkauf@boerde.example")
		o, q := quotetest.Quoting(t, f, qs)
		q = priceAndSend(t, f, qs, q)
		o, err := f.Orders.Withdraw(ctx, buyer, o.ID, o.Version, "Nicht mehr nötig.")
		ordertest.WantCode(t, err, "")
		_, err = ss.Accept(ctx, f.P(t, "genehmigung@boerde.example"), q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Conflict)
		_, err = qs.Revise(ctx, buyer, q.ID, q.Version, "anders")
		ordertest.WantCode(t, err, apperr.Conflict)
		late := clock.At(q.ValidUntil.AddDays(1))
		qs.Clock, ss.Clock = late, late
		if n, err := ss.ExpireDue(ctx); err != nil || n != 1 {
			t.Fatalf("expired %d (%v)", n, err)
		}
		if o, _ = f.Orders.Get(ctx, buyer, o.ID); o.State != order.StateWithdrawn {
			t.Errorf("order %s after the expiry", o.State)
		}
	})
}
