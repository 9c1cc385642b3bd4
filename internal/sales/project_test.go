package sales_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/document/pdftext"
	"coopshop/internal/member"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
)

// project creates a project quotation for Börde as sales: n notebooks
// from the catalog (contract price filled in), an installation as a free
// line (1.500,00 €, 19 %).
func (f *fixture) project(t *testing.T, n int64) *quote.Quote {
	t.Helper()
	q, err := f.qs.CreateProject(context.Background(), f.P(t, staff), quote.ProjectInput{MemberID: f.Boerde, Title: "Druckerkonzept: 50 auf 15 Geräte",
		Lines: []quote.LineInput{
			{ProductID: f.Products["T-NB"].ID, Quantity: n},
			{Description: "Installation und Einweisung", Quantity: 1, Unit: "pauschal", UnitPriceCents: 1500_00, VATPercent: 19},
		}})
	if err != nil {
		t.Fatalf("create project quote: %v", err)
	}
	return q
}

// send submits (the sales lead approves when needed) and sends q.
func (f *fixture) send(t *testing.T, q *quote.Quote) *quote.Quote {
	t.Helper()
	ctx := context.Background()
	sp := f.P(t, staff)
	q, err := f.qs.Submit(ctx, sp, q.ID, q.Version, "")
	if err != nil {
		t.Fatal(err)
	}
	if q.State == quote.StateSubmitted {
		if q, err = f.qs.Approve(ctx, f.P(t, "vertriebsleitung@kid.example"), q.ID, q.Version, ""); err != nil {
			t.Fatal(err)
		}
	}
	if q, err = f.qs.Send(ctx, sp, q.ID, q.Version, ""); err != nil {
		t.Fatalf("send: %v", err)
	}
	return q
}

func (f *fixture) boerdeAddress(t *testing.T) int64 {
	t.Helper()
	var a member.Address
	if err := f.DB.NewSelect().Model(&a).Where("organisation_id = ? AND active", f.Boerde).OrderExpr("id").Limit(1).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// TestProjectQuote: a project quotation without an order runs the
// quotation's machine; once sent a Börde purchaser takes it up (another
// member's purchaser sees nothing, a draft cannot be taken up), the
// member's chain accepts it by its gross with four-eyes between the
// stages, and the last acceptance creates the order confirmed at the
// quoted prices, in the normal number sequence, with audit entries and its
// confirmation, linked both ways.
func TestProjectQuote(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		// 30 × 849,00 € + 1.500,00 € = 26.970,00 € net, 32.094,30 € gross:
		// two member stages (approver, then Kämmerei).
		q := f.project(t, 30)
		if !q.Project || q.OrderID != 0 || q.State != quote.StateDraft || q.VersionNo != 1 || q.Title != "Druckerkonzept: 50 auf 15 Geräte" {
			t.Fatalf("created: %+v", q)
		}
		if len(q.Lines) != 2 || q.Lines[0].UnitPriceCents != 849_00 || q.Lines[0].SKU != "T-NB" || !q.Lines[1].Free() {
			t.Fatalf("lines: %+v %+v", q.Lines[0], q.Lines[1])
		}
		if q.GrossCents != 3_209_430 {
			t.Fatalf("gross %d", q.GrossCents)
		}
		in := order.Input{CostCentre: "1100", DeliveryAddressID: f.boerdeAddress(t), BuyerReference: "DRUCK-2026"}

		// A draft is the provider's: the member sees nothing of it.
		_, err := f.qs.Request(ctx, f.P(t, purchaser), q.ID, q.Version, in)
		ordertest.WantCode(t, err, apperr.NotFound)
		q = f.send(t, q)
		if q.State != quote.StateSent || len(q.MemberStages) != 2 {
			t.Fatalf("sent: %s, %d stages", q.State, len(q.MemberStages))
		}

		// Nobody accepts before a purchaser took it up.
		_, err = f.ss.Accept(ctx, f.P(t, amtsleiter), q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Conflict)
		// Another member's purchaser: 404; a purchaser's wrong cost centre: 422;
		// an approver may not take it up: 403.
		_, err = f.qs.Request(ctx, f.P(t, "einkauf@weissenfels.example"), q.ID, q.Version, in)
		ordertest.WantCode(t, err, apperr.NotFound)
		bad := in
		bad.CostCentre = "9999"
		_, err = f.qs.Request(ctx, f.P(t, purchaser), q.ID, q.Version, bad)
		ordertest.WantCode(t, err, apperr.Invalid)
		_, err = f.qs.Request(ctx, f.P(t, approver), q.ID, q.Version, in)
		ordertest.WantCode(t, err, apperr.Forbidden)
		_, err = f.qs.Request(ctx, f.P(t, purchaser), q.ID, 0, in)
		ordertest.WantCode(t, err, apperr.Invalid)

		// Sending told the purchaser, who takes it up (and whoever may
		// answer it otherwise).
		if got := mailsTo(t, f, q.ID, "quote.send"); !slices.Contains(got, purchaser) {
			t.Errorf("sent: mails to %v", got)
		}
		pp := f.P(t, purchaser)
		q, err = f.qs.Request(ctx, pp, q.ID, q.Version, in)
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		if q.TakenUpBy == nil || *q.TakenUpBy != pp.User.ID || q.RequesterID != pp.User.ID || q.CostCentre == "" || q.BuyerReference != "DRUCK-2026" || q.State != quote.StateSent {
			t.Fatalf("taken up: %+v", q)
		}
		// Taking it up tells whoever may accept the open stage.
		if got := mailsTo(t, f, q.ID, "quote.request"); !slices.Contains(got, amtsleiter) || slices.Contains(got, purchaser) {
			t.Errorf("taken up: mails to %v", got)
		}
		if q.MemberObject().OwnerID != pp.User.ID {
			t.Fatalf("four-eyes holds against %d, want the requester %d", q.MemberObject().OwnerID, pp.User.ID)
		}
		// Taken up once.
		_, err = f.qs.Request(ctx, pp, q.ID, q.Version, in)
		ordertest.WantCode(t, err, apperr.Conflict)

		// Stage 1 needs the limit: 25.000 € is too little; the Amtsleitung
		// decides it, nobody decides two stages, the Kämmerei the second.
		_, err = f.ss.Accept(ctx, f.P(t, approver), q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		_, err = f.ss.Accept(ctx, f.P(t, "einkauf@weissenfels.example"), q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.NotFound)
		if q, err = f.ss.Accept(ctx, f.P(t, amtsleiter), q.ID, q.Version, "Stufe 1"); err != nil {
			t.Fatalf("stage 1: %v", err)
		}
		if q.State != quote.StateSent || q.OrderID != 0 {
			t.Fatalf("after stage 1: %s, order %d", q.State, q.OrderID)
		}
		_, err = f.ss.Accept(ctx, f.P(t, amtsleiter), q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		if q, err = f.ss.Accept(ctx, f.P(t, kaemmerei), q.ID, q.Version, "Stufe 2"); err != nil {
			t.Fatalf("stage 2: %v", err)
		}
		if q.State != quote.StateAccepted || q.OrderID == 0 {
			t.Fatalf("accepted: %s, order %d", q.State, q.OrderID)
		}

		o, err := f.Orders.Get(ctx, pp, q.OrderID)
		if err != nil {
			t.Fatal(err)
		}
		if o.State != order.StateConfirmed || o.RequesterID != pp.User.ID || o.OrgID != f.Boerde || o.BuyerReference != "DRUCK-2026" ||
			o.CostCentre != q.CostCentre || o.DeliveryAddress == "" || o.GrossCents != q.GrossCents || len(o.Lines) != 2 {
			t.Fatalf("order: %+v", o)
		}
		if len(o.Number) != len("BA-2026-000001") || o.Number[:3] != "BA-" {
			t.Fatalf("number %q", o.Number)
		}
		for _, l := range o.Lines {
			if l.PriceSource != catalog.SourceQuote {
				t.Fatalf("line %d price source %s", l.LineNo, l.PriceSource)
			}
		}
		if o.Lines[0].ProductID != f.Products["T-NB"].ID || o.Lines[0].Quantity != 30 || !o.Lines[1].Free() || o.Lines[1].Name != "Installation und Einweisung" {
			t.Fatalf("lines: %+v %+v", o.Lines[0], o.Lines[1])
		}
		if id, _ := quote.LatestIDForOrder(ctx, bdb, o.ID, true); id != q.ID {
			t.Fatalf("order's quote %d, want %d", id, q.ID)
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "order", EntityID: o.ID})
		if err != nil || len(entries) != 1 || entries[0].Action != "order.quote_accepted" {
			t.Fatalf("order audit: %v %+v", err, entries)
		}
		n, err := bdb.NewSelect().TableExpr("jobs").Where("kind = ? AND CAST(payload AS TEXT) LIKE ?", "document.issue", "%"+o.Number+"%").Count(ctx)
		if err != nil || n != 1 {
			t.Fatalf("confirmation document jobs: %v %d", err, n)
		}
		// The quotation prints its title; the order confirmation its
		// reference, the Bestellzeichen and the free line.
		pdf, err := f.qs.PDF(ctx, pp, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		page := strings.Join(pdftext.Pages(t, pdf.Bytes), " ")
		pdftext.Contains(t, "project quotation", page, "Angebot "+q.Number, "Druckerkonzept", "Landkreis Börde", "Installation und Einweisung")
		conf, err := f.Orders.PDF(ctx, pp, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		page = strings.Join(pdftext.Pages(t, conf.Bytes), " ")
		pdftext.Contains(t, "confirmation", page, "Auftragsbestätigung "+o.Number, "DRUCK-2026", "Installation und Einweisung", q.Number)
		// Once accepted, taking it up or accepting again is a conflict.
		_, err = f.qs.Request(ctx, pp, q.ID, q.Version, in)
		ordertest.WantCode(t, err, apperr.Conflict)
	})
}

// TestProjectQuoteRefusals: an order's quotation cannot be taken up; a
// project quotation is rejected without an order to close; a revision
// keeps title and requester.
func TestProjectQuoteRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		in := order.Input{CostCentre: "1100", DeliveryAddressID: f.boerdeAddress(t)}
		oq := f.sent(t, purchaser, map[string]int64{"T-SRV": 1}, approver)
		_, err := f.qs.Request(ctx, f.P(t, purchaser), oq.ID, oq.Version, in)
		ordertest.WantCode(t, err, apperr.Conflict)

		q := f.send(t, f.project(t, 2))
		q, err = f.qs.Request(ctx, f.P(t, purchaser), q.ID, q.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		q, err = f.qs.Revise(ctx, f.P(t, approver), q.ID, q.Version, "Bitte mit 3 Geräten")
		if err != nil {
			t.Fatalf("revise: %v", err)
		}
		vs, err := f.qs.Versions(ctx, f.P(t, staff), q.ID)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions: %v %d", err, len(vs))
		}
		v2 := vs[1]
		if !v2.Project || v2.Title != q.Title || v2.TakenUpBy == nil || v2.State != quote.StateDraft {
			t.Fatalf("v2: %+v", v2)
		}
		v2 = f.send(t, v2)
		if v2, err = f.ss.Reject(ctx, f.P(t, approver), v2.ID, v2.Version, "zu teuer"); err != nil || v2.State != quote.StateRejected || v2.OrderID != 0 {
			t.Fatalf("reject: %v %+v", err, v2)
		}
	})
}

// TestProjectQuoteConcurrentAcceptance: the approver's last acceptance of
// a taken-up project quotation arrives eight times at once (double
// clicks, two tabs). Exactly one wins and exactly one order exists; every
// other attempt is a conflict.
func TestProjectQuoteConcurrentAcceptance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		q := f.send(t, f.project(t, 2))
		q, err := f.qs.Request(ctx, f.P(t, purchaser), q.ID, q.Version, order.Input{CostCentre: "1100", DeliveryAddressID: f.boerdeAddress(t)})
		if err != nil {
			t.Fatal(err)
		}
		before, err := bdb.NewSelect().Table("orders").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		ap := f.P(t, approver)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.ss.Accept(ctx, ap, q.ID, q.Version, "")
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case apperr.CodeOf(err) != apperr.Conflict:
				t.Fatalf("attempt %d: %v, want a conflict", i, err)
			}
		}
		after, err := bdb.NewSelect().Table("orders").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if won != 1 || after != before+1 {
			t.Fatalf("%d acceptances won, %d orders created; want one each", won, after-before)
		}
	})
}

// mailsTo runs the step jobs and lists the recipients of the quotation's
// mails of event.
func mailsTo(t *testing.T, f *fixture, quoteID int64, event string) []string {
	t.Helper()
	if _, err := f.Jobs.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, err := notify.ForEntity(context.Background(), f.DB, "quote", quoteID)
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
