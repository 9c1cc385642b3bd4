package quote_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// TestStepsRefuseVersionZero: every quote step of a user without the
// version seen (0 or less) is a 422 naming "version", in a state where the
// step would otherwise go through, and the version stays unchanged. Before,
// 0 meant "whatever is current".
func TestStepsRefuseVersionZero(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		ctx := context.Background()
		sales, lead, buyer := f.P(t, "vertrieb@kid.example"), f.P(t, "vertriebsleitung@kid.example"), f.P(t, "genehmigung@boerde.example")
		_, draft := quotetest.Quoting(t, f, qs)
		lines := quotetest.Lines(draft)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500 // needs the sales lead
		draft, err := qs.Update(ctx, sales, draft.ID, draft.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		comment := "Kommentar"
		type stepFn func(id, version int64) (*quote.Quote, error)
		tests := []struct {
			name string
			// state is where the step starts from.
			state quote.State
			step  stepFn
		}{
			{"edit", quote.StateDraft, func(id, v int64) (*quote.Quote, error) {
				return qs.Update(ctx, sales, id, v, quote.Input{Lines: &lines})
			}},
			{"submit", quote.StateDraft, func(id, v int64) (*quote.Quote, error) { return qs.Submit(ctx, sales, id, v, comment) }},
			{"approve", quote.StateSubmitted, func(id, v int64) (*quote.Quote, error) { return qs.Approve(ctx, lead, id, v, comment) }},
			{"return", quote.StateSubmitted, func(id, v int64) (*quote.Quote, error) { return qs.Return(ctx, lead, id, v, comment) }},
			{"send", quote.StateApproved, func(id, v int64) (*quote.Quote, error) { return qs.Send(ctx, sales, id, v, comment) }},
			{"accept", quote.StateSent, func(id, v int64) (*quote.Quote, error) {
				return quotetest.Sales(f, qs).Accept(ctx, buyer, id, v, comment)
			}},
			{"reject", quote.StateSent, func(id, v int64) (*quote.Quote, error) {
				return quotetest.Sales(f, qs).Reject(ctx, buyer, id, v, comment)
			}},
			{"revise", quote.StateSent, func(id, v int64) (*quote.Quote, error) { return qs.Revise(ctx, buyer, id, v, comment) }},
		}
		q := draft
		for _, tc := range tests {
			// Move the one quote forward to the state of the next rows.
			for q.State != tc.state {
				switch q.State {
				case quote.StateDraft:
					q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
				case quote.StateSubmitted:
					q, err = qs.Approve(ctx, lead, q.ID, q.Version, "")
				case quote.StateApproved:
					q, err = qs.Send(ctx, sales, q.ID, q.Version, "")
				default:
					t.Fatalf("cannot reach %s from %s", tc.state, q.State)
				}
				ordertest.WantCode(t, err, "")
			}
			t.Run(tc.name, func(t *testing.T) {
				for _, v := range []int64{0, -1} {
					_, err := tc.step(q.ID, v)
					ordertest.WantCode(t, err, apperr.Invalid)
					if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "version" {
						t.Fatalf("fields %+v, want version", fe)
					}
				}
				after, err := qs.Get(ctx, sales, q.ID)
				ordertest.WantCode(t, err, "")
				if after.Version != q.Version || after.State != q.State {
					t.Fatalf("quote changed to %s v%d, was %s v%d", after.State, after.Version, q.State, q.Version)
				}
			})
		}
		// The system's expiry names no version and still works.
		if _, err := quotetest.Sales(f, qs).ExpireDue(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
