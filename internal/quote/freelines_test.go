package quote_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/workflow"
)

// TestAcceptedFreeLinesBecomeOrderLines: the free lines of an accepted
// quotation become order lines without product, so that the order's lines
// add up to its totals; deliveries reach them by line_no (the product
// lines still by product_id) and the order ends delivered.
func TestAcceptedFreeLinesBecomeOrderLines(t *testing.T) {
	cases := []struct {
		name string
		free []quote.LineInput
	}{
		{"installation", []quote.LineInput{quotetest.Installation}},
		{"installation and discounted project days at 7 %", []quote.LineInput{quotetest.Installation,
			{Description: "Projekttag Schulung", Quantity: 3, Unit: "Tag", UnitPriceCents: 80033, DiscountBP: 750, VATPercent: 7}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
				ctx := context.Background()
				f := ordertest.Seed(t, bdb)
				qs := quotetest.Service(f)
				sales := f.P(t, "vertrieb@kid.example")
				o, q := quotetest.AcceptedWith(t, f, qs, tc.free...)

				if o.State != order.StateConfirmed || q.State != quote.StateAccepted {
					t.Fatalf("order %s, quote %s", o.State, q.State)
				}
				products := len(quotetest.Items)
				if len(o.Lines) != products+len(tc.free) {
					t.Fatalf("%d order lines, want %d", len(o.Lines), products+len(tc.free))
				}
				var nets int64
				ls := make([]money.Line, len(o.Lines))
				for i, l := range o.Lines {
					nets += l.NetCents
					ls[i] = money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
					if l.LineNo != i+1 {
						t.Errorf("line %d has line_no %d", i, l.LineNo)
					}
					if i < products {
						if l.Free() {
							t.Errorf("product line %d is free", l.LineNo)
						}
						continue
					}
					want := tc.free[i-products]
					if !l.Free() || l.ProductID != 0 || l.SKU != "" || l.Name != want.Description || l.Kind != catalog.KindService ||
						l.Unit != want.Unit || l.Quantity != want.Quantity || l.UnitPriceCents != want.UnitPriceCents ||
						l.DiscountBP != want.DiscountBP || l.VATPercent != want.VATPercent ||
						l.NetCents != money.LineNet(want.Quantity, want.UnitPriceCents, want.DiscountBP) ||
						l.PriceSource != catalog.SourceQuote || l.ContractLineID != nil || l.ReservedQuantity != 0 || l.NeedsQuote() {
						t.Errorf("free line %+v, want %+v", l, want)
					}
				}
				sum := money.Sum(ls)
				if nets != o.NetCents || sum.NetCents != o.NetCents || sum.VATCents != o.VATCents || sum.GrossCents != o.GrossCents {
					t.Fatalf("lines add up to %d (%+v), order %d/%d/%d", nets, sum, o.NetCents, o.VATCents, o.GrossCents)
				}
				if o.NetCents != q.NetCents || o.VATCents != q.VATCents || o.GrossCents != q.GrossCents {
					t.Fatalf("order %d/%d/%d, quotation %d/%d/%d", o.NetCents, o.VATCents, o.GrossCents, q.NetCents, q.VATCents, q.GrossCents)
				}
				var null int
				if err := bdb.NewSelect().Table("order_lines").ColumnExpr("COUNT(*)").
					Where("order_id = ? AND product_id IS NULL", o.ID).Scan(ctx, &null); err != nil || null != len(tc.free) {
					t.Fatalf("%d lines with product_id NULL (%v), want %d", null, err, len(tc.free))
				}

				// What a delivery may not say about a free line.
				first := o.Lines[products]
				bad := []struct {
					name  string
					line  order.DeliveryLineInput
					field string
				}{
					{"unknown line_no", order.DeliveryLineInput{LineNo: 99, Quantity: 1}, "lines[0].line_no"},
					{"no product, no line_no", order.DeliveryLineInput{Quantity: 1}, "lines[0].product_id"},
					{"serials on a free line", order.DeliveryLineInput{LineNo: first.LineNo, Quantity: 1, Serials: []string{"X-1"}}, "lines[0].serials"},
					{"product of another line", order.DeliveryLineInput{LineNo: first.LineNo, ProductID: f.Products["T-NB"].ID, Quantity: 1}, "lines[0].product_id"},
					{"too much", order.DeliveryLineInput{LineNo: first.LineNo, Quantity: first.Quantity + 1}, "lines[0].quantity"},
				}
				for _, b := range bad {
					_, err := f.Orders.Deliver(ctx, sales, o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{b.line}})
					if apperr.CodeOf(err) != apperr.Invalid {
						t.Fatalf("%s: %v, want invalid", b.name, err)
					}
					if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != b.field {
						t.Errorf("%s: fields %+v, want %s", b.name, fe, b.field)
					}
				}

				// The products by product_id, the free lines by line_no.
				var in order.DeliveryInput
				for _, l := range o.Lines {
					if l.Free() {
						in.Lines = append(in.Lines, order.DeliveryLineInput{LineNo: l.LineNo, Quantity: l.Quantity})
					} else {
						in.Lines = append(in.Lines, order.DeliveryLineInput{ProductID: l.ProductID, Quantity: l.Quantity})
					}
				}
				// First all but the last free line: still confirmed.
				o, err := f.Orders.Deliver(ctx, sales, o.ID, o.Version, order.DeliveryInput{Lines: in.Lines[:len(in.Lines)-1]})
				if err != nil {
					t.Fatal(err)
				}
				if o.State != order.StateConfirmed || o.FullyDelivered() {
					t.Fatalf("after partial delivery %s", o.State)
				}
				o, err = f.Orders.Deliver(ctx, sales, o.ID, o.Version, order.DeliveryInput{Lines: in.Lines[len(in.Lines)-1:], Note: "Installation abgeschlossen"})
				if err != nil {
					t.Fatal(err)
				}
				if o.State != order.StateDelivered || !o.FullyDelivered() {
					t.Fatalf("after full delivery %s", o.State)
				}
				o, err = f.Orders.Get(ctx, sales, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				last := o.Lines[len(o.Lines)-1]
				if len(o.Deliveries) != 2 || last.Delivered != last.Quantity || o.Deliveries[1].Lines[0].OrderLineID != last.ID {
					t.Fatalf("deliveries %d, last line delivered %d of %d", len(o.Deliveries), last.Delivered, last.Quantity)
				}
			})
		})
	}
}

// TestConfirmQuotedRefusesLinesThatDoNotAddUp: when the order's lines
// (products and free lines) do not add up to the quotation's totals,
// ConfirmQuoted fails with an internal error and changes nothing.
func TestConfirmQuotedRefusesLinesThatDoNotAddUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		o, draft := quotetest.Quoting(t, f, qs)
		// The acceptance's decision, as internal/sales passes it on.
		permit, err := workflow.Grant(ctx, f.Authz, f.P(t, "genehmigung@boerde.example"), "accept",
			authz.Object{Kind: "quote", ID: draft.ID, OrgID: o.OrgID})
		if err != nil {
			t.Fatal(err)
		}
		in := quotetest.Installation
		free := order.QuotedFreeLine{Description: in.Description, Quantity: in.Quantity, Unit: in.Unit,
			UnitPriceCents: in.UnitPriceCents, VATPercent: in.VATPercent, NetCents: money.LineNet(in.Quantity, in.UnitPriceCents, 0)}
		quoted := order.Quoted{QuoteID: draft.ID, Number: "AN-TEST v1", FreeLines: []order.QuotedFreeLine{free}}
		ls := []money.Line{{NetCents: free.NetCents, VATPercent: free.VATPercent}}
		for _, l := range o.Lines {
			quoted.Lines = append(quoted.Lines, order.QuotedLine{ProductID: l.ProductID, Quantity: l.Quantity,
				UnitPriceCents: l.UnitPriceCents, NetCents: l.NetCents})
			ls = append(ls, money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent})
		}
		right := money.Sum(ls)
		for _, tc := range []struct {
			name   string
			change func(*order.Quoted)
		}{
			{"free line left out", func(q *order.Quoted) { q.FreeLines = nil }},
			{"gross off by a cent", func(q *order.Quoted) { q.Totals.GrossCents++ }},
			{"free line net wrong", func(q *order.Quoted) { q.FreeLines = []order.QuotedFreeLine{free}; q.FreeLines[0].NetCents++ }},
		} {
			q := quoted
			q.Totals = right
			tc.change(&q)
			err := db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
				_, err := f.Orders.ConfirmQuoted(ctx, tx, permit.By(), o.ID, q)
				return err
			})
			if err == nil || apperr.CodeOf(err) != apperr.Internal {
				t.Errorf("%s: %v, want an internal error", tc.name, err)
			}
		}
		// Without the acceptance's Permit, or with one for another
		// quotation, the order is not confirmed, whoever asks.
		q := quoted
		q.Totals = right
		for name, by := range map[string]workflow.By{"a user": workflow.User(f.P(t, "vertrieb@kid.example")), "the system": workflow.System()} {
			err := db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
				_, err := f.Orders.ConfirmQuoted(ctx, tx, by, o.ID, q)
				return err
			})
			if err == nil {
				t.Errorf("%s confirmed the order without the acceptance", name)
			}
		}
		other := q
		other.QuoteID++
		err = db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
			_, err := f.Orders.ConfirmQuoted(ctx, tx, permit.By(), o.ID, other)
			return err
		})
		if err == nil {
			t.Error("the acceptance of one quotation confirmed the order with another")
		}
		after, err := f.Orders.Get(ctx, f.P(t, "vertrieb@kid.example"), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.State != order.StateQuoting || len(after.Lines) != len(o.Lines) {
			t.Fatalf("order changed: %s, %d lines", after.State, len(after.Lines))
		}
		// The same quotation with the right totals goes through.
		err = db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
			_, err := f.Orders.ConfirmQuoted(ctx, tx, permit.By(), o.ID, q)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
