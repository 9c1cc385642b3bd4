package quote_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// TestSalesLeadDeputy: the sales lead's deputy approves a quotation that
// needs a second pair of eyes, with the sales lead's role, in the period;
// the drafter may not approve it even as the lead's deputy; the audit
// names the principal.
func TestSalesLeadDeputy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		kid, err := account.OrganisationByName(ctx, bdb, "KID Magdeburg")
		ordertest.WantCode(t, err, "")
		second := &account.User{OrgID: kid.ID, Email: "vertrieb2@kid.example", Name: "Vera Zwei"}
		ordertest.WantCode(t, account.CreateUserWithHash(ctx, bdb, second, demo.PasswordHash()), "")
		ordertest.WantCode(t, authz.Grant(ctx, bdb, second.ID, kid.ID, authz.RoleSales), "")
		ordertest.WantCode(t, f.Authz.Reload(ctx), "")

		sales, lead := f.P(t, "vertrieb@kid.example"), f.P(t, "vertriebsleitung@kid.example")
		_, v1 := quotetest.Quoting(t, f, qs)
		lines := quotetest.Lines(v1)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500
		v1, err = qs.Update(ctx, sales, v1.ID, v1.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		v1, err = qs.Submit(ctx, sales, v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, "")

		_, err = qs.Approve(ctx, f.P(t, "vertrieb2@kid.example"), v1.ID, v1.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)

		today := calendar.Today()
		for _, who := range []string{"vertrieb@kid.example", "vertrieb2@kid.example"} {
			_, err = f.Accounts.SetDeputy(ctx, lead, lead.User.ID, account.DeputyInput{DeputyUserID: f.P(t, who).User.ID, From: today, To: today.AddDays(3)})
			ordertest.WantCode(t, err, "")
			d := f.P(t, who)
			if who == "vertrieb@kid.example" {
				// The drafter stays excluded as a person.
				if qs.Allowed(d, v1, quote.StepApprove) {
					t.Fatal("drafter may approve as the lead's deputy")
				}
				_, err = qs.Approve(ctx, d, v1.ID, v1.Version, "")
				ordertest.WantCode(t, err, apperr.Forbidden)
				continue
			}
			if !qs.Allowed(d, v1, quote.StepApprove) {
				t.Fatal("deputy may not approve")
			}
			v1, err = qs.Approve(ctx, d, v1.ID, v1.Version, "In Vertretung.")
			ordertest.WantCode(t, err, "")
		}
		if v1.State != quote.StateApproved || *v1.ApprovedBy != second.ID {
			t.Fatalf("after deputy approval: %s %v", v1.State, v1.ApprovedBy)
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "quote", EntityID: v1.ID})
		ordertest.WantCode(t, err, "")
		found := false
		for _, e := range entries {
			found = found || e.Action == "quote.approve" && strings.Contains(e.Detail, "Lena Lorenz")
		}
		if !found {
			t.Errorf("no audit entry names the sales lead: %+v", entries)
		}
	})
}

// TestMemberAcceptsThroughDeputy: a purchaser standing in for the
// approver accepts a sent quotation as the member's stage decision, with
// the approver's role and limit; the stage names the principal.
func TestMemberAcceptsThroughDeputy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		ss := quotetest.Sales(f, qs)
		colleague := &account.User{OrgID: f.Boerde, Email: "kollegin@boerde.example", Name: "Kora Kollegin"}
		ordertest.WantCode(t, account.CreateUserWithHash(ctx, bdb, colleague, demo.PasswordHash()), "")
		ordertest.WantCode(t, authz.Grant(ctx, bdb, colleague.ID, f.Boerde, authz.RolePurchaser), "")
		ordertest.WantCode(t, f.Authz.Reload(ctx), "")
		_, q := quotetest.Quoting(t, f, qs)
		q = priceAndSend(t, f, qs, q)

		_, err := ss.Accept(ctx, f.P(t, "kollegin@boerde.example"), q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		g := f.P(t, "genehmigung@boerde.example")
		today := calendar.Today()
		_, err = f.Accounts.SetDeputy(ctx, g, g.User.ID, account.DeputyInput{DeputyUserID: colleague.ID, From: today, To: today})
		ordertest.WantCode(t, err, "")
		k := f.P(t, "kollegin@boerde.example")
		if in, err := qs.Inbox(ctx, k); err != nil || len(in) != 1 {
			t.Fatalf("deputy's quote inbox %d %v", len(in), err)
		}
		q, err = ss.Accept(ctx, k, q.ID, q.Version, "Für Herrn Günther.")
		ordertest.WantCode(t, err, "")
		st := q.MemberStages[0]
		if q.State != quote.StateAccepted || *st.DecidedBy != colleague.ID || st.OnBehalfOf == nil || *st.OnBehalfOf != g.User.ID ||
			st.DecidedByLabel() != "Kora Kollegin im Auftrag von Gerd Günther" {
			t.Fatalf("accepted %s, stage %+v", q.State, st)
		}
	})
}
