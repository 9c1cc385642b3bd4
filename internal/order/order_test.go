package order_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/idempotency"
	"coopshop/internal/member"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

func recipients(t *testing.T, f *ordertest.Fixture, orderID int64, event string) []string {
	t.Helper()
	if _, err := f.Jobs.Drain(context.Background()); err != nil { // the step jobs work out the recipients
		t.Fatal(err)
	}
	rows, err := notify.ForEntity(context.Background(), f.DB, "order", orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Event == event {
			out = append(out, r.To)
		}
	}
	return out
}

func sameSet(a []string, b ...string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// TestLargeBoerdeOrder carries 30 notebooks (30.309,30 € gross) through
// both approval stages of Landkreis Börde to confirmation and delivery,
// and tries every wrong hand on the way.
func TestLargeBoerdeOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		svc := f.Orders
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})

		if o.NetCents != 2547000 || o.VATCents != 483930 || o.GrossCents != 3030930 {
			t.Fatalf("totals %d/%d/%d, want 2547000/483930/3030930", o.NetCents, o.VATCents, o.GrossCents)
		}
		if !strings.HasPrefix(o.Number, "BA-") || !strings.HasSuffix(o.Number, "-000001") {
			t.Errorf("number %s", o.Number)
		}
		if o.State != order.StateSubmitted || o.CurrentStage != 1 || len(o.RoundStages()) != 2 {
			t.Fatalf("state %s stage %d stages %d", o.State, o.CurrentStage, len(o.RoundStages()))
		}
		if st := o.RoundStages(); st[0].Role != "approver" || st[1].Role != "member_admin" || st[1].MinGrossCents != 2500000 {
			t.Fatalf("chain %+v %+v", st[0], st[1])
		}
		l := o.Lines[0]
		if l.SKU != "T-NB" || l.UnitPriceCents != 84900 || l.PriceSource != catalog.SourceContract || l.ContractNumber != "T-RV-2026" || l.ReservedQuantity != 30 {
			t.Fatalf("line %+v", l)
		}
		if n := f.Used(t, "T-NB"); n != 30 {
			t.Fatalf("quota used %d, want 30", n)
		}
		// The cart is empty now.
		if v, err := f.Carts.View(ctx, f.P(t, "einkauf@boerde.example")); err != nil || !v.Empty() {
			t.Fatalf("cart after submit: %+v %v", v, err)
		}
		// Stage 1 goes to the approvers whose limit covers 30.309,30 €.
		if got := recipients(t, f, o.ID, "order.submit"); !sameSet(got, "kaemmerei@boerde.example", "amtsleitung@boerde.example") {
			t.Errorf("stage 1 mails to %v", got)
		}

		wrong := []struct {
			name  string
			email string
			v     int64
			want  apperr.Code
		}{
			{"purchaser approves own order", "einkauf@boerde.example", 1, apperr.Forbidden},
			{"approver above limit (25.000 €)", "genehmigung@boerde.example", 1, apperr.Forbidden},
			{"Weißenfels approver on a Börde order", "genehmigung@weissenfels.example", 1, apperr.NotFound},
			{"sales approves a member stage", "vertrieb@kid.example", 1, apperr.Forbidden},
			{"stale version", "amtsleitung@boerde.example", 7, apperr.Conflict},
		}
		outboxBefore := len(recipients(t, f, o.ID, "order.submit")) + len(recipients(t, f, o.ID, "order.approve"))
		for _, w := range wrong {
			t.Run(w.name, func(t *testing.T) {
				_, err := svc.Approve(ctx, f.P(t, w.email), o.ID, w.v, "")
				ordertest.WantCode(t, err, w.want)
			})
		}
		// Refused steps leave neither notifications nor audit entries.
		if n := len(recipients(t, f, o.ID, "order.submit")) + len(recipients(t, f, o.ID, "order.approve")); n != outboxBefore {
			t.Errorf("refused steps enqueued mails: %d → %d", outboxBefore, n)
		}
		if entries, _ := audit.List(ctx, bdb, audit.Filter{Entity: "order", EntityID: o.ID}); len(entries) != 1 {
			t.Errorf("%d audit entries after refused steps, want 1", len(entries))
		}

		o, err := svc.Approve(ctx, f.P(t, "amtsleitung@boerde.example"), o.ID, 1, "Fachlich geprüft.")
		ordertest.WantCode(t, err, "")
		if o.State != order.StateSubmitted || o.CurrentStage != 2 || o.Version != 2 {
			t.Fatalf("after stage 1: %s stage %d v%d", o.State, o.CurrentStage, o.Version)
		}
		// The stage-1 approver may not also decide stage 2, nor may an
		// approver without member_admin.
		_, err = svc.Approve(ctx, f.P(t, "amtsleitung@boerde.example"), o.ID, 2, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		if got := recipients(t, f, o.ID, "order.approve"); !sameSet(got, "kaemmerei@boerde.example", "einkauf@boerde.example") {
			t.Errorf("after stage 1 mails to %v", got)
		}

		o, err = svc.Approve(ctx, f.P(t, "kaemmerei@boerde.example"), o.ID, 2, "Haushaltsmittel vorhanden.")
		ordertest.WantCode(t, err, "")
		if o.State != order.StateApproved || o.CurrentStage != 0 {
			t.Fatalf("after stage 2: %s stage %d", o.State, o.CurrentStage)
		}
		st := o.RoundStages()
		if st[0].DecidedByEmail != "amtsleitung@boerde.example" || st[0].Comment != "Fachlich geprüft." || st[1].DecidedByEmail != "kaemmerei@boerde.example" || st[1].DecidedAt == nil {
			t.Fatalf("decisions %+v / %+v", st[0], st[1])
		}
		// Approvers cannot confirm; sales can.
		_, err = svc.Confirm(ctx, f.P(t, "kaemmerei@boerde.example"), o.ID, o.Version)
		ordertest.WantCode(t, err, apperr.Forbidden)
		o, err = svc.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
		ordertest.WantCode(t, err, "")
		if o.State != order.StateConfirmed {
			t.Fatalf("state %s", o.State)
		}
		// Confirmed: no withdrawal any more.
		_, err = svc.Withdraw(ctx, f.P(t, "einkauf@boerde.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, apperr.Conflict)

		// Partial delivery with serials, then the rest.
		nb := f.Products["T-NB"].ID
		serials := make([]string, 10)
		for i := range serials {
			serials[i] = "SN-" + string(rune('A'+i))
		}
		o, err = svc.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{{ProductID: nb, Quantity: 10, Serials: serials}}})
		ordertest.WantCode(t, err, "")
		if o.State != order.StateConfirmed || o.Lines[0].Delivered != 10 {
			t.Fatalf("after partial: %s delivered %d", o.State, o.Lines[0].Delivered)
		}
		// Too much, and a serial twice.
		_, err = svc.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{{ProductID: nb, Quantity: 21}}})
		ordertest.WantCode(t, err, apperr.Invalid)
		_, err = svc.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{{ProductID: nb, Quantity: 1, Serials: []string{"SN-A"}}}})
		ordertest.WantCode(t, err, apperr.Conflict)
		o, err = svc.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{{ProductID: nb, Quantity: 20}}})
		ordertest.WantCode(t, err, "")
		if o.State != order.StateDelivered || len(o.Deliveries) != 2 || len(o.Deliveries[0].Lines[0].Serials) != 10 {
			t.Fatalf("after all: %s, %d deliveries", o.State, len(o.Deliveries))
		}

		// Every step is in the audit trail, with the version it produced.
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "order", EntityID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for i := len(entries) - 1; i >= 0; i-- {
			actions = append(actions, entries[i].Action)
		}
		want := "order.submit order.approve order.approve order.confirm order.deliver order.deliver"
		if strings.Join(actions, " ") != want {
			t.Errorf("audit %q, want %q", strings.Join(actions, " "), want)
		}
		if entries[0].EntityVersion != o.Version {
			t.Errorf("last audit version %d, order version %d", entries[0].EntityVersion, o.Version)
		}
	})
}

// TestQuotePath: an order with a quote-only and a list-priced line cannot
// be confirmed; sales opens a quotation instead.
func TestQuotePath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 2, "T-SRV": 3, "T-DOCK": 1})
		if !o.NeedsQuote() {
			t.Fatal("order needs no quote")
		}
		o, err := f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, "")
		if o.State != order.StateApproved {
			t.Fatalf("state %s", o.State)
		}
		_, err = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
		ordertest.WantCode(t, err, apperr.Conflict)
		if !strings.Contains(apperr.MessageOf(err), "Test-Vor-Ort-Einrichtung") || !strings.Contains(apperr.MessageOf(err), "Angebot") {
			t.Errorf("message %q", apperr.MessageOf(err))
		}
		// The order's half of opening a quotation runs in the caller's
		// transaction (internal/sales adds the draft).
		startQuote := func(id, version int64) (o *order.Order, err error) {
			err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				o, err = f.Orders.StartQuote(ctx, tx, f.P(t, "vertrieb@kid.example"), id, version)
				return err
			})
			return o, err
		}
		o, err = startQuote(o.ID, o.Version)
		ordertest.WantCode(t, err, "")
		if o.State != order.StateQuoting {
			t.Fatalf("state %s", o.State)
		}
		// A contract-only order cannot go to quoting.
		o2 := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
		o2, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o2.ID, o2.Version, "")
		ordertest.WantCode(t, err, "")
		_, err = startQuote(o2.ID, o2.Version)
		ordertest.WantCode(t, err, apperr.Conflict)
	})
}

// TestQuotaReleased: rejection, withdrawal and return give reserved quota
// back; resubmission reserves again with a fresh approval chain.
func TestQuotaReleased(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		buyer, approver := f.P(t, "einkauf@boerde.example"), f.P(t, "genehmigung@boerde.example")

		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 4})
		if f.Used(t, "T-SSD") != 4 {
			t.Fatalf("used %d", f.Used(t, "T-SSD"))
		}
		_, err := f.Orders.Reject(ctx, approver, o.ID, o.Version, "  ")
		ordertest.WantCode(t, err, apperr.Invalid) // a rejection needs a reason
		o, err = f.Orders.Reject(ctx, approver, o.ID, o.Version, "Kein Bedarf.")
		ordertest.WantCode(t, err, "")
		if o.State != order.StateRejected || f.Used(t, "T-SSD") != 0 || o.Lines[0].ReservedQuantity != 0 {
			t.Fatalf("after reject: %s used %d", o.State, f.Used(t, "T-SSD"))
		}
		if got := recipients(t, f, o.ID, "order.reject"); !sameSet(got, "einkauf@boerde.example") {
			t.Errorf("reject mails to %v", got)
		}

		o = f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 5})
		_, err = f.Orders.Withdraw(ctx, f.P(t, "kaemmerei@boerde.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden) // not the requester
		o, err = f.Orders.Withdraw(ctx, buyer, o.ID, o.Version, "Doch nicht nötig.")
		ordertest.WantCode(t, err, "")
		if o.State != order.StateWithdrawn || f.Used(t, "T-SSD") != 0 {
			t.Fatalf("after withdraw: %s used %d", o.State, f.Used(t, "T-SSD"))
		}

		o = f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 6, "T-MON": 1})
		o, err = f.Orders.Return(ctx, approver, o.ID, o.Version, "Bitte nur 3 SSDs.")
		ordertest.WantCode(t, err, "")
		if o.State != order.StateReturned || f.Used(t, "T-SSD") != 0 {
			t.Fatalf("after return: %s used %d", o.State, f.Used(t, "T-SSD"))
		}
		in := order.EditInput{Input: ordertest.Header("Geänderter Bedarf"), Lines: []order.LineInput{
			{ProductID: f.Products["T-SSD"].ID, Quantity: 3}, {ProductID: f.Products["T-MON"].ID, Quantity: 0}, {ProductID: f.Products["T-NB"].ID, Quantity: 1}}}
		_, err = f.Orders.Edit(ctx, approver, o.ID, o.Version, in)
		ordertest.WantCode(t, err, apperr.Forbidden)
		o, err = f.Orders.Edit(ctx, buyer, o.ID, o.Version, in)
		ordertest.WantCode(t, err, "")
		if len(o.Lines) != 2 || o.Reason != "Geänderter Bedarf" || o.GrossCents != 3*5950+101031 {
			t.Fatalf("after edit: %d lines, reason %q, gross %d", len(o.Lines), o.Reason, o.GrossCents)
		}
		o, err = f.Orders.Resubmit(ctx, buyer, o.ID, o.Version)
		ordertest.WantCode(t, err, "")
		if o.State != order.StateSubmitted || o.Round != 2 || o.CurrentStage != 1 || len(o.RoundStages()) != 1 || f.Used(t, "T-SSD") != 3 {
			t.Fatalf("after resubmit: %s round %d stage %d stages %d used %d", o.State, o.Round, o.CurrentStage, len(o.RoundStages()), f.Used(t, "T-SSD"))
		}
		if len(o.Stages) != 2 || o.Stages[0].State != order.StageReturned {
			t.Fatalf("history of stages %+v", o.Stages)
		}
		// The approver who returned it may decide the new round.
		o, err = f.Orders.Approve(ctx, approver, o.ID, o.Version, "")
		ordertest.WantCode(t, err, "")
		if o.State != order.StateApproved {
			t.Fatalf("state %s", o.State)
		}
	})
}

// TestSubmitChecks: empty cart, bad header, idempotent replay, changed
// prices, no applicable stage.
func TestSubmitChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		buyer := f.P(t, "einkauf@boerde.example")

		_, _, err := f.Orders.Submit(ctx, buyer, ordertest.Header("x"))
		ordertest.WantCode(t, err, apperr.Invalid) // empty cart

		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		_, _, err = f.Orders.Submit(ctx, buyer, order.Input{CostCentre: "9999", DeliveryAddress: "", Reason: ""})
		ordertest.WantCode(t, err, apperr.Invalid)
		if n := len(apperr.FieldsOf(err)); n != 3 {
			t.Errorf("%d field errors, want 3: %v", n, apperr.FieldsOf(err))
		}
		// Sales cannot submit.
		_, _, err = f.Orders.Submit(ctx, f.P(t, "vertrieb@kid.example"), ordertest.Header("x"))
		ordertest.WantCode(t, err, apperr.Forbidden)

		in := ordertest.Header("Ersatz")
		in.Idempotency = idempotency.Request{Key: "key-1", Hash: "body"}
		o1, replay, err := f.Orders.Submit(ctx, buyer, in)
		ordertest.WantCode(t, err, "")
		if replay {
			t.Fatal("first submission is a replay")
		}
		o2, replay, err := f.Orders.Submit(ctx, buyer, in)
		ordertest.WantCode(t, err, "")
		if !replay || o2.ID != o1.ID {
			t.Fatalf("replay %v, ids %d %d", replay, o1.ID, o2.ID)
		}
		// The same key for another request is refused, and nothing is
		// submitted: the cart stays as it is.
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 1})
		other := in
		other.Idempotency.Hash = "another body"
		_, _, err = f.Orders.Submit(ctx, buyer, other)
		ordertest.WantCode(t, err, apperr.Invalid)
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != idempotency.Header {
			t.Fatalf("fields %+v, want %s", fe, idempotency.Header)
		}
		if v, err := f.Carts.View(ctx, buyer); err != nil || len(v.Lines) != 1 {
			t.Fatalf("cart after the refused key: %v, %v", v, err)
		}
		ordertest.WantCode(t, f.Carts.Remove(ctx, buyer, f.Products["T-SSD"].ID), "")

		// A price change since the cart was filled refuses once, naming it.
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1, "T-NB": 1})
		if _, err := bdb.NewUpdate().Table("contract_lines").Set("price_cents = 16000").Where("product_id = ?", f.Products["T-MON"].ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		v, err := f.Carts.View(ctx, buyer)
		ordertest.WantCode(t, err, "")
		if !v.Lines[0].Changed && !v.Lines[1].Changed {
			t.Error("cart does not flag the changed price")
		}
		_, _, err = f.Orders.Submit(ctx, buyer, ordertest.Header("x"))
		ordertest.WantCode(t, err, apperr.Conflict)
		msg := apperr.MessageOf(err)
		if !strings.Contains(msg, "Test-Monitor") || !strings.Contains(msg, "150,00 €") || !strings.Contains(msg, "160,00 €") || strings.Contains(msg, "Notebook") {
			t.Errorf("message %q", msg)
		}
		o3, _, err := f.Orders.Submit(ctx, buyer, ordertest.Header("x"))
		ordertest.WantCode(t, err, "")
		if o3.NetCents != 16000+84900 {
			t.Errorf("net %d", o3.NetCents)
		}

		// A member without rules: approved at once.
		_, err = f.Members.SetRules(ctx, f.P(t, "admin@kid.example"), f.Weissen, 1, nil)
		ordertest.WantCode(t, err, "")
		f.Fill(t, "einkauf@weissenfels.example", map[string]int64{"T-MON": 1})
		o4, _, err := f.Orders.Submit(ctx, f.P(t, "einkauf@weissenfels.example"), order.Input{CostCentre: "4000", DeliveryAddress: "Markt 1", Reason: "Schule"})
		ordertest.WantCode(t, err, "")
		if o4.State != order.StateApproved || len(o4.Stages) != 0 {
			t.Fatalf("state %s stages %d", o4.State, len(o4.Stages))
		}
		if got := recipients(t, f, o4.ID, "order.submit"); !sameSet(got, "vertrieb@kid.example", "vertriebsleitung@kid.example") {
			t.Errorf("mails to %v", got)
		}
	})
}

// TestQuotaGoneAtSubmit: another member takes the quota after the cart
// was filled; submit says so for that line.
func TestQuotaGoneAtSubmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 8})
		other := f.Submit(t, "einkauf@weissenfels.example", map[string]int64{"T-SSD": 5})
		_ = other
		_, _, err := f.Orders.Submit(ctx, f.P(t, "einkauf@boerde.example"), ordertest.Header("x"))
		ordertest.WantCode(t, err, apperr.Conflict)
		if msg := apperr.MessageOf(err); !strings.Contains(msg, "Test-SSD") || !strings.Contains(msg, "reicht nur noch für 5") {
			t.Errorf("message %q", msg)
		}
		if f.Used(t, "T-SSD") != 5 {
			t.Errorf("used %d", f.Used(t, "T-SSD"))
		}
	})
}

// TestRulesDoNotMoveRunningOrders: the chain is frozen at submit.
func TestRulesDoNotMoveRunningOrders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
		admin := f.P(t, "kaemmerei@boerde.example")
		_, err := f.Members.SetRules(ctx, admin, f.Boerde, 1, []member.RuleInput{{Stage: 1, Role: "member_admin", MinGrossCents: 0}})
		ordertest.WantCode(t, err, "")
		// Stale settings version.
		_, err = f.Members.SetRules(ctx, admin, f.Boerde, 1, nil)
		ordertest.WantCode(t, err, apperr.Conflict)
		// Another member's settings: invisible.
		_, err = f.Members.SetRules(ctx, admin, f.Weissen, 1, nil)
		ordertest.WantCode(t, err, apperr.NotFound)
		o, err = f.Orders.Get(ctx, admin, o.ID)
		ordertest.WantCode(t, err, "")
		if o.OpenStage().Role != "approver" {
			t.Fatalf("running order's stage asks for %s", o.OpenStage().Role)
		}
		_, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, "")
	})
}
