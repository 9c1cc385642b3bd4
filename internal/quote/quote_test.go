package quote_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/money"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("got %v (%s), want %s", err, got, code)
	}
}

func used(t *testing.T, f *ordertest.Fixture, sku string) int64 {
	t.Helper()
	var n int64
	err := f.DB.NewSelect().Table("contract_lines").Column("used_total").
		Where("product_id = ? AND contract_id = ?", f.Products[sku].ID, f.Contract.ID).Scan(context.Background(), &n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func actions(t *testing.T, idb bun.IDB, entity string, id int64) string {
	t.Helper()
	entries, err := audit.List(context.Background(), idb, audit.Filter{Entity: entity, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		out = append(out, entries[i].Action)
	}
	return strings.Join(out, " ")
}

func recipients(t *testing.T, idb bun.IDB, quoteID int64, event string) []string {
	t.Helper()
	rows, err := notify.ForEntity(context.Background(), idb, "quote", quoteID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Event == event {
			out = append(out, r.Recipient)
		}
	}
	return out
}

// grantSecondLead makes the admin a sales lead too, so that a version the
// demo sales lead worked on can still be approved by someone.
func grantSecondLead(t *testing.T, f *ordertest.Fixture) {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, f.DB, "admin@kid.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := authz.Grant(ctx, f.DB, u.ID, u.OrgID, authz.RoleSalesLead); err != nil {
		t.Fatal(err)
	}
	if err := f.Authz.Reload(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestQuotationLifeCycle is the walk on both databases: an order
// with a quote-only line gets quote v1 with a 15 % discount, which needs
// and gets the sales lead's approval and is sent; the member asks for a
// revision; v2, reworked by the sales lead, may not be approved by them
// (four-eyes) but by a second lead; the member accepts v2, and the order
// is confirmed at the quoted prices with its confirmation stored. v1 stays
// readable and unchanged.
func TestQuotationLifeCycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		sales, lead := f.P(t, "vertrieb@kid.example"), f.P(t, "vertriebsleitung@kid.example")
		buyer := f.P(t, "einkauf@boerde.example")
		o, v1 := quotetest.Quoting(t, f, qs)

		if o.State != order.StateQuoting {
			t.Fatalf("order state %s", o.State)
		}
		year := calendar.Today().Time().Format("2006")
		if v1.Number != "AN-"+year+"-000001" || v1.VersionNo != 1 || v1.State != quote.StateDraft || len(v1.Lines) != 3 {
			t.Fatalf("v1 %s v%d %s, %d lines", v1.Number, v1.VersionNo, v1.State, len(v1.Lines))
		}
		if v1.DraftedBy == nil || *v1.DraftedBy != sales.User.ID || v1.ValidUntil != calendar.Today().AddDays(30) {
			t.Fatalf("v1 drafter %v valid until %s", v1.DraftedBy, v1.ValidUntil)
		}
		// Members never see a draft, not even its PDF.
		_, err := qs.Get(ctx, buyer, v1.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = qs.PDF(ctx, buyer, v1.ID)
		wantCode(t, err, apperr.NotFound)

		// Sales prices the service, gives 15 % on the docking station and
		// adds the installation as a free line.
		lines := quotetest.Lines(v1)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500
		lines = append(lines, quote.LineInput{Description: "Installation und Einweisung vor Ort", Quantity: 1, Unit: "pauschal", UnitPriceCents: 45000, VATPercent: 19})
		note := "Die Einweisung erfolgt im Kreishaus Haldensleben."
		v1, err = qs.Update(ctx, sales, v1.ID, v1.Version, quote.Input{Lines: &lines, Note: &note})
		wantCode(t, err, "")
		// by hand: 19 % on 1.698,00 + 160,65 + 450,00 = 2.308,65 → 438,64;
		// 7 % on 285,00 → 19,95; gross 2.593,65 + 458,59 = 3.052,24
		if v1.NetCents != 259365 || v1.VATCents != 45859 || v1.GrossCents != 305224 || !v1.NeedsApproval {
			t.Fatalf("v1 totals %d/%d/%d approval %v", v1.NetCents, v1.VATCents, v1.GrossCents, v1.NeedsApproval)
		}
		// A stale version is refused.
		_, err = qs.Update(ctx, sales, v1.ID, v1.Version-1, quote.Input{Note: &note})
		wantCode(t, err, apperr.Conflict)

		v1, err = qs.Submit(ctx, sales, v1.ID, v1.Version, "")
		wantCode(t, err, "")
		if v1.State != quote.StateSubmitted {
			t.Fatalf("15 %% discount: state %s, want submitted", v1.State)
		}
		if got := recipients(t, bdb, v1.ID, "quote.submit"); len(got) != 1 || got[0] != "vertriebsleitung@kid.example" {
			t.Errorf("approval mail to %v", got)
		}
		// Not yet approved: it cannot be sent; sales cannot approve.
		_, err = qs.Send(ctx, sales, v1.ID, v1.Version, "")
		wantCode(t, err, apperr.Conflict)
		_, err = qs.Approve(ctx, sales, v1.ID, v1.Version, "")
		wantCode(t, err, apperr.Forbidden)
		v1, err = qs.Approve(ctx, lead, v1.ID, v1.Version, "Rabatt abgestimmt.")
		wantCode(t, err, "")
		if v1.State != quote.StateApproved || v1.ApprovedBy == nil || *v1.ApprovedBy != lead.User.ID {
			t.Fatalf("after approval %s", v1.State)
		}
		v1, err = qs.Send(ctx, sales, v1.ID, v1.Version, "")
		wantCode(t, err, "")
		if v1.State != quote.StateSent || v1.SentAt == nil {
			t.Fatalf("after send %s", v1.State)
		}

		// The member now sees it; the PDF comes from the store, the same
		// bytes every time, also for sales.
		if _, err := qs.Get(ctx, buyer, v1.ID); err != nil {
			t.Fatal(err)
		}
		pdf1, err := qs.PDF(ctx, buyer, v1.ID)
		wantCode(t, err, "")
		pdf1b, err := qs.PDF(ctx, sales, v1.ID)
		wantCode(t, err, "")
		if !pdf1.Issued || !bytes.Equal(pdf1.Bytes, pdf1b.Bytes) || pdf1.SHA256 != document.Checksum(pdf1b.Bytes) {
			t.Fatal("v1 PDF not served identically from the store")
		}
		if pdf1.Name != v1.Number+"-v1.pdf" {
			t.Errorf("file name %s", pdf1.Name)
		}
		// Weißenfels cannot see Börde's quotation.
		_, err = qs.Get(ctx, f.P(t, "einkauf@weissenfels.example"), v1.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = qs.Accept(ctx, f.P(t, "einkauf@weissenfels.example"), v1.ID, v1.Version, "")
		wantCode(t, err, apperr.NotFound)

		// The member asks for a revision; the comment is required.
		_, err = qs.Revise(ctx, buyer, v1.ID, v1.Version, "  ")
		wantCode(t, err, apperr.Invalid)
		v1, err = qs.Revise(ctx, buyer, v1.ID, v1.Version, "Bitte Rabatt auf die Dockingstation erhöhen.")
		wantCode(t, err, "")
		if v1.State != quote.StateRevision || v1.AnswerComment != "Bitte Rabatt auf die Dockingstation erhöhen." {
			t.Fatalf("after revise %s %q", v1.State, v1.AnswerComment)
		}
		salesLatest, _ := qs.LatestFor(ctx, sales, o.ID)
		memberLatest, _ := qs.LatestFor(ctx, buyer, o.ID)
		if memberLatest != v1.ID || salesLatest == v1.ID {
			t.Fatalf("latest: member %d sales %d, v1 %d", memberLatest, salesLatest, v1.ID)
		}
		v2, err := qs.Get(ctx, sales, salesLatest)
		wantCode(t, err, "")
		if v2.Number != v1.Number || v2.VersionNo != 2 || v2.State != quote.StateDraft || v2.GrossCents != v1.GrossCents || len(v2.Lines) != 4 || v2.Note != note {
			t.Fatalf("v2 %s v%d %s gross %d lines %d", v2.Number, v2.VersionNo, v2.State, v2.GrossCents, len(v2.Lines))
		}
		_, err = qs.Get(ctx, buyer, v2.ID)
		wantCode(t, err, apperr.NotFound)
		if vs, err := qs.Versions(ctx, buyer, v1.ID); err != nil || len(vs) != 1 {
			t.Fatalf("member sees %d versions (%v)", len(vs), err)
		}
		if vs, err := qs.Versions(ctx, sales, v1.ID); err != nil || len(vs) != 2 || vs[0].ID != v1.ID {
			t.Fatalf("sales sees %d versions (%v)", len(vs), err)
		}

		// The sales lead reworks v2 (12 % on the docking station, 90,00 €
		// per hour); as its author they may not approve it.
		lines = quotetest.Lines(v2)
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1200
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9000
		v2, err = qs.Update(ctx, lead, v2.ID, v2.Version, quote.Input{Lines: &lines})
		wantCode(t, err, "")
		v2, err = qs.Submit(ctx, sales, v2.ID, v2.Version, "")
		wantCode(t, err, "")
		if v2.State != quote.StateSubmitted {
			t.Fatalf("12 %%: %s", v2.State)
		}
		_, err = qs.Approve(ctx, lead, v2.ID, v2.Version, "")
		wantCode(t, err, apperr.Forbidden)
		if !strings.Contains(apperr.MessageOf(err), "Vier-Augen") {
			t.Errorf("denial %q", apperr.MessageOf(err))
		}
		if qs.Allowed(lead, v2, quote.StepApprove) {
			t.Error("the approve button is offered to the author")
		}
		grantSecondLead(t, f)
		second := f.P(t, "admin@kid.example")
		v2, err = qs.Approve(ctx, second, v2.ID, v2.Version, "")
		wantCode(t, err, "")
		v2, err = qs.Send(ctx, sales, v2.ID, v2.Version, "Wie besprochen.")
		wantCode(t, err, "")
		if got := recipients(t, bdb, v2.ID, "quote.send"); len(got) != 4 {
			// purchaser, both approvers, Kämmerei (approver too)
			t.Errorf("send mail to %v", got)
		}

		// The approver accepts; the order is confirmed at the quoted prices.
		approver := f.P(t, "genehmigung@boerde.example")
		_, err = qs.Accept(ctx, approver, v2.ID, v2.Version-1, "")
		wantCode(t, err, apperr.Conflict)
		v2, err = qs.Accept(ctx, approver, v2.ID, v2.Version, "Einverstanden.")
		wantCode(t, err, "")
		if v2.State != quote.StateAccepted || v2.AnsweredBy == nil || *v2.AnsweredBy != approver.User.ID {
			t.Fatalf("v2 %s", v2.State)
		}
		o, err = f.Orders.Get(ctx, sales, o.ID)
		wantCode(t, err, "")
		if o.State != order.StateConfirmed || o.GrossCents != v2.GrossCents || o.NetCents != v2.NetCents {
			t.Fatalf("order %s gross %d net %d, quote %d/%d", o.State, o.GrossCents, o.NetCents, v2.GrossCents, v2.NetCents)
		}
		for _, l := range o.Lines {
			switch l.SKU {
			case "T-SRV":
				if l.UnitPriceCents != 9000 || l.NetCents != 27000 || l.PriceSource != catalog.SourceQuote {
					t.Errorf("service line %+v", l)
				}
			case "T-DOCK":
				if l.UnitPriceCents != 18900 || l.NetCents != 16632 || l.PriceSource != catalog.SourceQuote {
					t.Errorf("dock line %+v", l)
				}
			case "T-NB":
				if l.UnitPriceCents != 84900 || l.PriceSource != catalog.SourceContract || l.ReservedQuantity != 2 {
					t.Errorf("notebook line %+v", l)
				}
			}
		}
		// by hand: 19 % on 1.698,00 + 166,32 + 450,00 = 2.314,32 → 439,72;
		// 7 % on 270,00 → 18,90; gross 2.584,32 + 458,62 = 3.042,94
		if o.GrossCents != 304294 {
			t.Errorf("order gross %d, want 304294", o.GrossCents)
		}

		// The confirmation is stored and served byte-identically.
		opdf, err := f.Orders.PDF(ctx, buyer, o.ID)
		wantCode(t, err, "")
		opdf2, err := f.Orders.PDF(ctx, sales, o.ID)
		wantCode(t, err, "")
		if !opdf.Issued || !bytes.Equal(opdf.Bytes, opdf2.Bytes) {
			t.Fatal("order confirmation not served from the store")
		}
		if _, err := f.Orders.PDF(ctx, f.P(t, "einkauf@weissenfels.example"), o.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Weißenfels gets Börde's confirmation: %v", err)
		}

		// v1 is still readable and unchanged, with its stored PDF.
		old, err := qs.Get(ctx, buyer, v1.ID)
		wantCode(t, err, "")
		if old.State != quote.StateRevision || old.GrossCents != 305224 || old.Version != v1.Version || len(old.Lines) != 4 {
			t.Errorf("v1 changed: %s gross %d", old.State, old.GrossCents)
		}
		for _, l := range old.Lines {
			if l.SKU == "T-DOCK" && l.DiscountBP != 1500 {
				t.Errorf("v1 docking station discount %d, want 1500", l.DiscountBP)
			}
		}
		pdf1c, err := qs.PDF(ctx, buyer, v1.ID)
		wantCode(t, err, "")
		if !bytes.Equal(pdf1.Bytes, pdf1c.Bytes) {
			t.Error("v1 PDF changed")
		}
		// Nothing more can happen to an answered version.
		_, err = qs.Accept(ctx, buyer, v1.ID, 0, "")
		wantCode(t, err, apperr.Conflict)

		if got, want := actions(t, bdb, "quote", v1.ID), "quote.create quote.edit quote.submit quote.approve quote.send quote.revise"; got != want {
			t.Errorf("v1 audit %q, want %q", got, want)
		}
		if got, want := actions(t, bdb, "quote", v2.ID), "quote.create quote.edit quote.submit quote.approve quote.send quote.accept"; got != want {
			t.Errorf("v2 audit %q, want %q", got, want)
		}
		if got, want := actions(t, bdb, "order", o.ID), "order.submit order.approve order.quote order.quote_accepted"; got != want {
			t.Errorf("order audit %q, want %q", got, want)
		}
		if got := recipients(t, bdb, v2.ID, "quote.accept"); len(got) == 0 {
			t.Error("sales not told about the acceptance")
		}
	})
}

// TestRejectClosesOrder: a rejection needs a reason, closes the order and
// gives its contract quota back.
func TestRejectClosesOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		sales, buyer := f.P(t, "vertrieb@kid.example"), f.P(t, "einkauf@boerde.example")
		o, q := quotetest.Quoting(t, f, qs)
		q = priceAndSend(t, f, qs, q)
		if n := used(t, f, "T-NB"); n != 2 {
			t.Fatalf("quota used %d", n)
		}
		_, err := qs.Reject(ctx, buyer, q.ID, q.Version, "")
		wantCode(t, err, apperr.Invalid)
		// Sales cannot answer for the member.
		_, err = qs.Reject(ctx, sales, q.ID, q.Version, "zu teuer")
		wantCode(t, err, apperr.Forbidden)
		q, err = qs.Reject(ctx, buyer, q.ID, q.Version, "Zu teuer.")
		wantCode(t, err, "")
		if q.State != quote.StateRejected {
			t.Fatalf("state %s", q.State)
		}
		o, err = f.Orders.Get(ctx, sales, o.ID)
		wantCode(t, err, "")
		if o.State != order.StateClosed {
			t.Fatalf("order %s", o.State)
		}
		if n := used(t, f, "T-NB"); n != 0 {
			t.Errorf("quota used %d after rejection, want 0", n)
		}
		if got, want := actions(t, bdb, "order", o.ID), "order.submit order.approve order.quote order.quote_ended"; got != want {
			t.Errorf("order audit %q, want %q", got, want)
		}
	})
}

// priceAndSend prices the service line without discount (no approval
// needed) and sends the version.
func priceAndSend(t *testing.T, f *ordertest.Fixture, qs *quote.Service, q *quote.Quote) *quote.Quote {
	t.Helper()
	ctx := context.Background()
	sales := f.P(t, "vertrieb@kid.example")
	lines := quotetest.Lines(q)
	quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
	quotetest.Line(f, lines, "T-DOCK").DiscountBP = 500
	q, err := qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
	wantCode(t, err, "")
	q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
	wantCode(t, err, "")
	if q.State != quote.StateApproved {
		t.Fatalf("5 %% discount, 2.000 €: %s, want approved without the lead", q.State)
	}
	q, err = qs.Send(ctx, sales, q.ID, q.Version, "")
	wantCode(t, err, "")
	return q
}

// TestExpiry: a sent version past its validity cannot be accepted (409
// naming the day) and expires, as does one the periodic job finds; the
// orders are closed, by the system.
func TestExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		buyer := f.P(t, "einkauf@boerde.example")
		o1, q1 := quotetest.Quoting(t, f, qs)
		q1 = priceAndSend(t, f, qs, q1)
		o2, q2 := quotetest.Quoting(t, f, qs)
		q2 = priceAndSend(t, f, qs, q2)

		// Nothing is due today.
		if n, err := qs.ExpireDue(ctx); err != nil || n != 0 {
			t.Fatalf("expired %d (%v) on day one", n, err)
		}
		// The last valid day still accepts; the day after does not.
		last := q1.ValidUntil
		qs.Today = func() calendar.Date { return last.AddDays(1) }
		_, err := qs.Accept(ctx, buyer, q1.ID, q1.Version, "")
		wantCode(t, err, apperr.Conflict)
		want := "Das Angebot ist seit dem " + last.AddDays(1).German() + " abgelaufen"
		if !strings.Contains(apperr.MessageOf(err), want) {
			t.Errorf("message %q lacks %q", apperr.MessageOf(err), want)
		}
		q1, err = qs.Get(ctx, buyer, q1.ID)
		wantCode(t, err, "")
		if q1.State != quote.StateExpired {
			t.Fatalf("q1 %s after the late acceptance", q1.State)
		}
		// Asking again says the same.
		_, err = qs.Accept(ctx, buyer, q1.ID, 0, "")
		if !strings.Contains(apperr.MessageOf(err), want) {
			t.Errorf("second attempt: %q", apperr.MessageOf(err))
		}

		n, err := qs.ExpireDue(ctx)
		if err != nil || n != 1 {
			t.Fatalf("job expired %d (%v), want 1", n, err)
		}
		for _, id := range []int64{o1.ID, o2.ID} {
			o, err := f.Orders.Get(ctx, buyer, id)
			wantCode(t, err, "")
			if o.State != order.StateClosed {
				t.Errorf("order %s %s", o.Number, o.State)
			}
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "quote", EntityID: q2.ID})
		if err != nil {
			t.Fatal(err)
		}
		if entries[0].Action != "quote.expire" || entries[0].ActorID != nil {
			t.Errorf("last entry %s by %v, want quote.expire by the system", entries[0].Action, entries[0].ActorID)
		}
	})
}

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
				wantCode(t, err, apperr.Invalid)
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
		wantCode(t, err, "")
		if after.Version != q.Version || len(after.Lines) != 3 {
			t.Fatalf("draft changed: v%d, %d lines", after.Version, len(after.Lines))
		}
		_, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
		wantCode(t, err, apperr.Invalid)
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
		wantCode(t, err, apperr.Forbidden)
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
		wantCode(t, err, "")
		q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
		wantCode(t, err, "")
		_, err = qs.Return(ctx, lead, q.ID, q.Version, "")
		wantCode(t, err, apperr.Invalid)
		q, err = qs.Return(ctx, lead, q.ID, q.Version, "20 % sind zu viel.")
		wantCode(t, err, "")
		if q.State != quote.StateDraft || q.SubmittedBy != nil {
			t.Fatalf("after return %s", q.State)
		}
		if got := recipients(t, bdb, q.ID, "quote.return"); len(got) != 1 || got[0] != "vertrieb@kid.example" {
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
		buyer := f.P(t, "einkauf@boerde.example")
		o, q := quotetest.Quoting(t, f, qs)
		q = priceAndSend(t, f, qs, q)
		o, err := f.Orders.Withdraw(ctx, buyer, o.ID, o.Version, "Nicht mehr nötig.")
		wantCode(t, err, "")
		_, err = qs.Accept(ctx, buyer, q.ID, q.Version, "")
		wantCode(t, err, apperr.Conflict)
		_, err = qs.Revise(ctx, buyer, q.ID, q.Version, "anders")
		wantCode(t, err, apperr.Conflict)
		qs.Today = func() calendar.Date { return q.ValidUntil.AddDays(1) }
		if n, err := qs.ExpireDue(ctx); err != nil || n != 1 {
			t.Fatalf("expired %d (%v)", n, err)
		}
		if o, _ = f.Orders.Get(ctx, buyer, o.ID); o.State != order.StateWithdrawn {
			t.Errorf("order %s after the expiry", o.State)
		}
	})
}
