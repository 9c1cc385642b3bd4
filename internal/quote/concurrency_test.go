package quote_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// TestConcurrentAnswers: the purchaser and the approver answer the same
// version at the same moment, one accepting, one rejecting. Exactly one
// wins; the other gets a conflict; the order ends in the winner's state
// with exactly one confirmation document when accepted.
func TestConcurrentAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		ss := quotetest.Sales(f, qs)
		for round := 0; round < 3; round++ {
			o, q := quotetest.Quoting(t, f, qs)
			q = priceAndSend(t, f, qs, q)
			buyer, approver := f.P(t, "einkauf@boerde.example"), f.P(t, "genehmigung@boerde.example")
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				_, errs[0] = ss.Accept(ctx, approver, q.ID, q.Version, "")
			}()
			go func() {
				defer wg.Done()
				<-start
				_, errs[1] = ss.Reject(ctx, buyer, q.ID, q.Version, "Doch nicht.")
			}()
			close(start)
			wg.Wait()
			won := -1
			for i, err := range errs {
				switch {
				case err == nil:
					if won >= 0 {
						t.Fatalf("round %d: both answers won", round)
					}
					won = i
				case apperr.CodeOf(err) != apperr.Conflict:
					t.Fatalf("round %d: answer %d: %v, want a conflict", round, i, err)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: nobody won: %v", round, errs)
			}
			got, err := qs.Get(ctx, buyer, q.ID)
			ordertest.WantCode(t, err, "")
			o, err = f.Orders.Get(ctx, buyer, o.ID)
			ordertest.WantCode(t, err, "")
			stored, err := document.Exists(ctx, bdb, order.DocumentEntity, o.ID, document.KindOrderConfirmation)
			ordertest.WantCode(t, err, "")
			if won == 0 && (got.State != quote.StateAccepted || o.State != order.StateConfirmed || !stored) {
				t.Errorf("round %d: accepted, but quote %s, order %s, confirmation stored %v", round, got.State, o.State, stored)
			}
			if won == 1 && (got.State != quote.StateRejected || o.State != order.StateClosed || stored) {
				t.Errorf("round %d: rejected, but quote %s, order %s, confirmation stored %v", round, got.State, o.State, stored)
			}
		}
	})
}
