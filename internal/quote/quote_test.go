package quote_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

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
		ordertest.WantCode(t, err, apperr.NotFound)
		_, err = qs.PDF(ctx, buyer, v1.ID)
		ordertest.WantCode(t, err, apperr.NotFound)

		// Sales prices the service, gives 15 % on the docking station and
		// adds the installation as a free line.
		lines := quotetest.Lines(v1)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500
		lines = append(lines, quote.LineInput{Description: "Installation und Einweisung vor Ort", Quantity: 1, Unit: "pauschal", UnitPriceCents: 45000, VATPercent: 19})
		note := "Die Einweisung erfolgt im Kreishaus Haldensleben."
		v1, err = qs.Update(ctx, sales, v1.ID, v1.Version, quote.Input{Lines: &lines, Note: &note})
		ordertest.WantCode(t, err, "")
		// by hand: 19 % on 1.698,00 + 160,65 + 450,00 = 2.308,65 → 438,64;
		// 7 % on 285,00 → 19,95; gross 2.593,65 + 458,59 = 3.052,24
		if v1.NetCents != 259365 || v1.VATCents != 45859 || v1.GrossCents != 305224 || !v1.NeedsApproval {
			t.Fatalf("v1 totals %d/%d/%d approval %v", v1.NetCents, v1.VATCents, v1.GrossCents, v1.NeedsApproval)
		}
		// A stale version is refused.
		_, err = qs.Update(ctx, sales, v1.ID, v1.Version-1, quote.Input{Note: &note})
		ordertest.WantCode(t, err, apperr.Conflict)

		v1, err = qs.Submit(ctx, sales, v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, "")
		if v1.State != quote.StateSubmitted {
			t.Fatalf("15 %% discount: state %s, want submitted", v1.State)
		}
		if got := recipients(t, f, v1.ID, "quote.submit"); len(got) != 1 || got[0] != "vertriebsleitung@kid.example" {
			t.Errorf("approval mail to %v", got)
		}
		// Not yet approved: it cannot be sent; sales cannot approve.
		_, err = qs.Send(ctx, sales, v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, apperr.Conflict)
		_, err = qs.Approve(ctx, sales, v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		v1, err = qs.Approve(ctx, lead, v1.ID, v1.Version, "Rabatt abgestimmt.")
		ordertest.WantCode(t, err, "")
		if v1.State != quote.StateApproved || v1.ApprovedBy == nil || *v1.ApprovedBy != lead.User.ID {
			t.Fatalf("after approval %s", v1.State)
		}
		v1, err = qs.Send(ctx, sales, v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, "")
		if v1.State != quote.StateSent || v1.SentAt == nil {
			t.Fatalf("after send %s", v1.State)
		}

		// The member now sees it; the PDF comes from the store, the same
		// bytes every time, also for sales.
		if _, err := qs.Get(ctx, buyer, v1.ID); err != nil {
			t.Fatal(err)
		}
		pdf1, err := qs.PDF(ctx, buyer, v1.ID)
		ordertest.WantCode(t, err, "")
		pdf1b, err := qs.PDF(ctx, sales, v1.ID)
		ordertest.WantCode(t, err, "")
		if !pdf1.Issued || !bytes.Equal(pdf1.Bytes, pdf1b.Bytes) || pdf1.SHA256 != document.Checksum(pdf1b.Bytes) {
			t.Fatal("v1 PDF not served identically from the store")
		}
		if pdf1.Name != v1.Number+"-v1.pdf" {
			t.Errorf("file name %s", pdf1.Name)
		}
		// Weißenfels cannot see Börde's quotation.
		_, err = qs.Get(ctx, f.P(t, "einkauf@weissenfels.example"), v1.ID)
		ordertest.WantCode(t, err, apperr.NotFound)
		_, err = quotetest.Sales(f, qs).Accept(ctx, f.P(t, "einkauf@weissenfels.example"), v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, apperr.NotFound)

		// The member asks for a revision; the comment is required.
		_, err = qs.Revise(ctx, buyer, v1.ID, v1.Version, "  ")
		ordertest.WantCode(t, err, apperr.Invalid)
		v1, err = qs.Revise(ctx, buyer, v1.ID, v1.Version, "Bitte Rabatt auf die Dockingstation erhöhen.")
		ordertest.WantCode(t, err, "")
		if v1.State != quote.StateRevision || v1.AnswerComment != "Bitte Rabatt auf die Dockingstation erhöhen." {
			t.Fatalf("after revise %s %q", v1.State, v1.AnswerComment)
		}
		salesLatest, _ := qs.LatestFor(ctx, sales, o.ID)
		memberLatest, _ := qs.LatestFor(ctx, buyer, o.ID)
		if memberLatest != v1.ID || salesLatest == v1.ID {
			t.Fatalf("latest: member %d sales %d, v1 %d", memberLatest, salesLatest, v1.ID)
		}
		v2, err := qs.Get(ctx, sales, salesLatest)
		ordertest.WantCode(t, err, "")
		if v2.Number != v1.Number || v2.VersionNo != 2 || v2.State != quote.StateDraft || v2.GrossCents != v1.GrossCents || len(v2.Lines) != 4 || v2.Note != note {
			t.Fatalf("v2 %s v%d %s gross %d lines %d", v2.Number, v2.VersionNo, v2.State, v2.GrossCents, len(v2.Lines))
		}
		_, err = qs.Get(ctx, buyer, v2.ID)
		ordertest.WantCode(t, err, apperr.NotFound)
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
		ordertest.WantCode(t, err, "")
		v2, err = qs.Submit(ctx, sales, v2.ID, v2.Version, "")
		ordertest.WantCode(t, err, "")
		if v2.State != quote.StateSubmitted {
			t.Fatalf("12 %%: %s", v2.State)
		}
		_, err = qs.Approve(ctx, lead, v2.ID, v2.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		if !strings.Contains(apperr.MessageOf(err), "Vier-Augen") {
			t.Errorf("denial %q", apperr.MessageOf(err))
		}
		if qs.Allowed(lead, v2, quote.StepApprove) {
			t.Error("the approve button is offered to the author")
		}
		grantSecondLead(t, f)
		second := f.P(t, "admin@kid.example")
		v2, err = qs.Approve(ctx, second, v2.ID, v2.Version, "")
		ordertest.WantCode(t, err, "")
		v2, err = qs.Send(ctx, sales, v2.ID, v2.Version, "Wie besprochen.")
		ordertest.WantCode(t, err, "")
		if got := recipients(t, f, v2.ID, "quote.send"); len(got) != 4 {
			// purchaser, both approvers, Kämmerei (approver too)
			t.Errorf("send mail to %v", got)
		}

		// The approver accepts; the order is confirmed at the quoted prices.
		approver := f.P(t, "genehmigung@boerde.example")
		_, err = quotetest.Sales(f, qs).Accept(ctx, approver, v2.ID, v2.Version-1, "")
		ordertest.WantCode(t, err, apperr.Conflict)
		v2, err = quotetest.Sales(f, qs).Accept(ctx, approver, v2.ID, v2.Version, "Einverstanden.")
		ordertest.WantCode(t, err, "")
		if v2.State != quote.StateAccepted || v2.AnsweredBy == nil || *v2.AnsweredBy != approver.User.ID {
			t.Fatalf("v2 %s", v2.State)
		}
		o, err = f.Orders.Get(ctx, sales, o.ID)
		ordertest.WantCode(t, err, "")
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
		ordertest.WantCode(t, err, "")
		opdf2, err := f.Orders.PDF(ctx, sales, o.ID)
		ordertest.WantCode(t, err, "")
		if !opdf.Issued || !bytes.Equal(opdf.Bytes, opdf2.Bytes) {
			t.Fatal("order confirmation not served from the store")
		}
		if _, err := f.Orders.PDF(ctx, f.P(t, "einkauf@weissenfels.example"), o.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Weißenfels gets Börde's confirmation: %v", err)
		}

		// v1 is still readable and unchanged, with its stored PDF.
		old, err := qs.Get(ctx, buyer, v1.ID)
		ordertest.WantCode(t, err, "")
		if old.State != quote.StateRevision || old.GrossCents != 305224 || old.Version != v1.Version || len(old.Lines) != 4 {
			t.Errorf("v1 changed: %s gross %d", old.State, old.GrossCents)
		}
		for _, l := range old.Lines {
			if l.SKU == "T-DOCK" && l.DiscountBP != 1500 {
				t.Errorf("v1 docking station discount %d, want 1500", l.DiscountBP)
			}
		}
		pdf1c, err := qs.PDF(ctx, buyer, v1.ID)
		ordertest.WantCode(t, err, "")
		if !bytes.Equal(pdf1.Bytes, pdf1c.Bytes) {
			t.Error("v1 PDF changed")
		}
		// Nothing more can happen to an answered version.
		_, err = quotetest.Sales(f, qs).Accept(ctx, buyer, v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, apperr.Conflict)

		if got, want := actions(t, bdb, "quote", v1.ID), "quote.create quote.edit quote.submit quote.approve quote.send quote.revise"; got != want {
			t.Errorf("v1 audit %q, want %q", got, want)
		}
		if got, want := actions(t, bdb, "quote", v2.ID), "quote.create quote.edit quote.submit quote.approve quote.send quote.accept"; got != want {
			t.Errorf("v2 audit %q, want %q", got, want)
		}
		if got, want := actions(t, bdb, "order", o.ID), "order.submit order.approve order.quote order.quote_accepted"; got != want {
			t.Errorf("order audit %q, want %q", got, want)
		}
		if got := recipients(t, f, v2.ID, "quote.accept"); len(got) == 0 {
			t.Error("sales not told about the acceptance")
		}
	})
}
