package order_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// TestStepsRefuseVersionZero: a user who names no version (0) gets a 422
// naming "version" from every step, in a state where the step with the
// right version would succeed, and the order stays as it was. Before, 0
// meant "whatever is current" and the order was approved.
func TestStepsRefuseVersionZero(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := ordertest.Seed(t, bdb)
		ctx := context.Background()
		buyer, approver, sales := f.P(t, "einkauf@boerde.example"), f.P(t, "genehmigung@boerde.example"), f.P(t, "vertrieb@kid.example")
		submitted := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 1})
		returned := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
		returned, err := f.Orders.Return(ctx, approver, returned.ID, returned.Version, "Bitte ändern")
		ordertest.WantCode(t, err, "")
		approved := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 1})
		approved, err = f.Orders.Approve(ctx, approver, approved.ID, approved.Version, "")
		ordertest.WantCode(t, err, "")
		confirmed := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		confirmed, err = f.Orders.Approve(ctx, approver, confirmed.ID, confirmed.Version, "")
		ordertest.WantCode(t, err, "")
		confirmed, err = f.Orders.Confirm(ctx, sales, confirmed.ID, confirmed.Version)
		ordertest.WantCode(t, err, "")

		tests := []struct {
			name string
			o    *order.Order
			step func(version int64) (*order.Order, error)
		}{
			{"approve", submitted, func(v int64) (*order.Order, error) { return f.Orders.Approve(ctx, approver, submitted.ID, v, "") }},
			{"reject", submitted, func(v int64) (*order.Order, error) { return f.Orders.Reject(ctx, approver, submitted.ID, v, "nein") }},
			{"return", submitted, func(v int64) (*order.Order, error) { return f.Orders.Return(ctx, approver, submitted.ID, v, "ändern") }},
			{"withdraw", submitted, func(v int64) (*order.Order, error) { return f.Orders.Withdraw(ctx, buyer, submitted.ID, v, "") }},
			{"edit", returned, func(v int64) (*order.Order, error) {
				return f.Orders.Edit(ctx, buyer, returned.ID, v, order.EditInput{Input: ordertest.Header("geändert"),
					Lines: []order.LineInput{{ProductID: f.Products["T-MON"].ID, Quantity: 2}}})
			}},
			{"resubmit", returned, func(v int64) (*order.Order, error) { return f.Orders.Resubmit(ctx, buyer, returned.ID, v) }},
			{"confirm", approved, func(v int64) (*order.Order, error) { return f.Orders.Confirm(ctx, sales, approved.ID, v) }},
			{"deliver", confirmed, func(v int64) (*order.Order, error) {
				return f.Orders.Deliver(ctx, sales, confirmed.ID, v, order.DeliveryInput{Lines: []order.DeliveryLineInput{{LineNo: 1, Quantity: 1}}})
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				for _, v := range []int64{0, -1} {
					_, err := tc.step(v)
					wantVersionField(t, err)
				}
				after, err := f.Orders.Get(ctx, sales, tc.o.ID)
				ordertest.WantCode(t, err, "")
				if after.Version != tc.o.Version || after.State != tc.o.State {
					t.Fatalf("order changed to %s v%d, was %s v%d", after.State, after.Version, tc.o.State, tc.o.Version)
				}
			})
		}
		// With the version seen, the same step goes through; a stale one is a
		// conflict.
		_, err = f.Orders.Approve(ctx, approver, submitted.ID, submitted.Version+1, "")
		ordertest.WantCode(t, err, apperr.Conflict)
		_, err = f.Orders.Approve(ctx, approver, submitted.ID, submitted.Version, "")
		ordertest.WantCode(t, err, "")
	})
}

// wantVersionField fails unless err is a 422 naming the field version.
func wantVersionField(t *testing.T, err error) {
	t.Helper()
	ordertest.WantCode(t, err, apperr.Invalid)
	for _, fe := range apperr.FieldsOf(err) {
		if fe.Field == "version" {
			return
		}
	}
	t.Fatalf("%v names no field version: %+v", err, apperr.FieldsOf(err))
}
