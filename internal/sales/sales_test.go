package sales_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/sales"
)

// The Börde logins of the demo: a purchaser, an approver up to 25.000 €,
// an approver up to 100.000 € (Amtsleitung) and the Kämmerei (member
// admin and approver without limit). Börde's rules: stage 1 approver from
// 0 €, stage 2 member_admin from 25.000 €.
const (
	purchaser  = "einkauf@boerde.example"
	approver   = "genehmigung@boerde.example"
	amtsleiter = "amtsleitung@boerde.example"
	kaemmerei  = "kaemmerei@boerde.example"
	staff      = "vertrieb@kid.example"
)

type fixture struct {
	*ordertest.Fixture
	qs *quote.Service
	ss *sales.Service
}

func setup(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	f := ordertest.Seed(t, bdb)
	qs := quotetest.Service(f)
	return &fixture{Fixture: f, qs: qs, ss: quotetest.Sales(f, qs)}
}

// sent submits items as requester, lets the named people approve the
// order's stages, opens the quotation, prices every line without a price
// at 100,00 € and sends it. It returns the sent version.
func (f *fixture) sent(t *testing.T, requester string, items map[string]int64, approvers ...string) *quote.Quote {
	t.Helper()
	ctx := context.Background()
	o := f.Submit(t, requester, items)
	var err error
	for _, a := range approvers {
		if o, err = f.Orders.Approve(ctx, f.P(t, a), o.ID, o.Version, ""); err != nil {
			t.Fatalf("approve as %s: %v", a, err)
		}
	}
	if o.State != order.StateApproved {
		t.Fatalf("order %s after %v", o.State, approvers)
	}
	sp := f.P(t, staff)
	q, err := f.ss.OpenQuote(ctx, sp, o.ID, o.Version)
	if err != nil {
		t.Fatalf("open quote: %v", err)
	}
	lines := quotetest.Lines(q)
	for i := range lines {
		if lines[i].UnitPriceCents == 0 {
			lines[i].UnitPriceCents = 100_00
		}
	}
	if q, err = f.qs.Update(ctx, sp, q.ID, q.Version, quote.Input{Lines: &lines}); err != nil {
		t.Fatal(err)
	}
	if q, err = f.qs.Submit(ctx, sp, q.ID, q.Version, ""); err != nil {
		t.Fatal(err)
	}
	if q.State == quote.StateSubmitted {
		if q, err = f.qs.Approve(ctx, f.P(t, "vertriebsleitung@kid.example"), q.ID, q.Version, ""); err != nil {
			t.Fatal(err)
		}
	}
	if q, err = f.qs.Send(ctx, sp, q.ID, q.Version, ""); err != nil {
		t.Fatal(err)
	}
	return q
}

// accept lets email accept q and checks the answer's code ("" for yes).
func (f *fixture) accept(t *testing.T, email string, q *quote.Quote, want apperr.Code) *quote.Quote {
	t.Helper()
	got, err := f.ss.Accept(context.Background(), f.P(t, email), q.ID, q.Version, "")
	ordertest.WantCode(t, err, want)
	if err != nil {
		return f.reload(t, q)
	}
	return got
}

func (f *fixture) reload(t *testing.T, q *quote.Quote) *quote.Quote {
	t.Helper()
	q, err := f.qs.Get(context.Background(), f.P(t, staff), q.ID)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func (f *fixture) orderState(t *testing.T, q *quote.Quote) order.State {
	t.Helper()
	o, err := f.Orders.Get(context.Background(), f.P(t, staff), q.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	return o.State
}

// decided lists who decided each member stage ("" for an open one).
func decided(q *quote.Quote) []string {
	var out []string
	for _, m := range q.MemberStages {
		out = append(out, m.DecidedByName)
	}
	return out
}

// TestSmallQuoteOneStage: below the threshold of stage 2 the one stage of
// the member's approval is needed, and the approver's acceptance confirms
// the order at once. The purchaser may reject or ask for a revision, but
// not accept (before the fix, any purchaser accepted any amount).
func TestSmallQuoteOneStage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		q := f.sent(t, purchaser, map[string]int64{"T-NB": 2, "T-DOCK": 1}, approver)
		if len(q.MemberStages) != 1 || q.MemberStages[0].Role != authz.RoleApprover {
			t.Fatalf("member stages %+v, want one approver stage", q.MemberStages)
		}
		buyer := f.P(t, purchaser)
		if f.qs.Allowed(buyer, q, quote.StepAccept) || !f.qs.Allowed(buyer, q, quote.StepReject) || !f.qs.Allowed(buyer, q, quote.StepRevise) {
			t.Error("purchaser: want reject and revise, not accept")
		}
		q = f.accept(t, purchaser, q, apperr.Forbidden)
		if q.State != quote.StateSent || q.MemberStages[0].DecidedBy != nil {
			t.Fatalf("after the purchaser's attempt: %s, %v", q.State, decided(q))
		}
		q = f.accept(t, approver, q, "")
		if q.State != quote.StateAccepted || f.orderState(t, q) != order.StateConfirmed {
			t.Fatalf("after the approver: quote %s, order %s", q.State, f.orderState(t, q))
		}
		if got := decided(q); len(got) != 1 || got[0] != f.P(t, approver).User.Name {
			t.Errorf("decided %v", got)
		}
	})
}

// TestLargeQuoteTwoStages: a quote of about 30.000 € needs the same two
// people an order of 30.000 € needs: an approver whose limit covers it
// (Amtsleitung, not the approver up to 25.000 €) for stage 1, then the
// Kämmerei (member admin) for stage 2; the quote stays sent in between.
func TestLargeQuoteTwoStages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		q := f.sent(t, purchaser, map[string]int64{"T-NB": 30, "T-DOCK": 1}, amtsleiter, kaemmerei)
		if a := q.Amounts().ApprovalGrossCents; a < 25_000_00 || a > 35_000_00 {
			t.Fatalf("approval amount %d", a)
		}
		if len(q.MemberStages) != 2 || q.MemberStages[1].Role != authz.RoleMemberAdmin {
			t.Fatalf("member stages %+v", q.MemberStages)
		}
		q = f.accept(t, approver, q, apperr.Forbidden) // above the 25.000 € limit
		q = f.accept(t, purchaser, q, apperr.Forbidden)
		q = f.accept(t, amtsleiter, q, "")
		if q.State != quote.StateSent || f.orderState(t, q) != order.StateQuoting {
			t.Fatalf("after stage 1: quote %s, order %s", q.State, f.orderState(t, q))
		}
		if q.MemberStages[0].DecidedBy == nil || q.MemberStages[1].DecidedBy != nil {
			t.Fatalf("stages after stage 1: %v", decided(q))
		}
		q = f.accept(t, amtsleiter, q, apperr.Forbidden) // stage 2 asks for the member admin
		q = f.accept(t, kaemmerei, q, "")
		if q.State != quote.StateAccepted || f.orderState(t, q) != order.StateConfirmed {
			t.Fatalf("after stage 2: quote %s, order %s", q.State, f.orderState(t, q))
		}
	})
}

// TestFourEyes: nobody decides two stages of one quote, and nobody accepts
// the quote of their own request.
func TestFourEyes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		t.Run("same person twice", func(t *testing.T) {
			q := f.sent(t, purchaser, map[string]int64{"T-NB": 30, "T-DOCK": 1}, amtsleiter, kaemmerei)
			q = f.accept(t, kaemmerei, q, "") // an approver without limit may decide stage 1
			q = f.accept(t, kaemmerei, q, apperr.Forbidden)
			if q.State != quote.StateSent || q.MemberStages[1].DecidedBy != nil {
				t.Fatalf("quote %s, stages %v", q.State, decided(q))
			}
		})
		t.Run("requester", func(t *testing.T) {
			// The approver also orders: their own request's quote is
			// somebody else's to accept.
			ctx := context.Background()
			u := f.P(t, approver)
			if err := authz.Grant(ctx, bdb, u.User.ID, u.User.OrgID, authz.RolePurchaser); err != nil {
				t.Fatal(err)
			}
			if err := f.Authz.Reload(ctx); err != nil {
				t.Fatal(err)
			}
			q := f.sent(t, approver, map[string]int64{"T-NB": 2, "T-DOCK": 1}, amtsleiter)
			q = f.accept(t, approver, q, apperr.Forbidden)
			if q.State != quote.StateSent {
				t.Fatalf("quote %s", q.State)
			}
			f.accept(t, amtsleiter, q, "")
		})
	})
}

// TestRentalCountsTerm: a rental line counts its monthly gross × term
// months: twelve rented PCs at 50,00 € a month over 36 months are a
// quote of 714,00 € a month but 25.704,00 € for approval, which needs
// stage 2 (the Kämmerei) although the quote's gross is far below it.
func TestRentalCountsTerm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		term, monthly := int64(36), int64(50_00)
		p := &catalog.Product{SKU: "T-MIET", Name: "Test-Miet-PC", Kind: catalog.KindRental, Unit: "Gerät/Monat", ListPriceCents: monthly,
			VATPercent: 19, Active: true, RentalTermMonths: &term, RentalMonthlyCents: &monthly}
		if err := catalog.CreateProduct(context.Background(), bdb, p); err != nil {
			t.Fatal(err)
		}
		f.Products[p.SKU] = p
		// The order itself counts the same way: Amtsleitung and Kämmerei.
		q := f.sent(t, purchaser, map[string]int64{"T-MIET": 12}, amtsleiter, kaemmerei)
		a := q.Amounts()
		if q.GrossCents != 714_00 || a.MonthlyGrossCents != 714_00 || a.OneOffGrossCents != 0 || a.ApprovalGrossCents != 25_704_00 {
			t.Fatalf("gross %d, amounts %+v", q.GrossCents, a)
		}
		if len(q.MemberStages) != 2 {
			t.Fatalf("member stages %d, want 2", len(q.MemberStages))
		}
		q = f.accept(t, approver, q, apperr.Forbidden) // 25.704 € are above the 25.000 € limit
		q = f.accept(t, amtsleiter, q, "")
		q = f.accept(t, kaemmerei, q, "")
		if q.State != quote.StateAccepted {
			t.Fatalf("quote %s", q.State)
		}
	})
}

// TestRejectByPurchaser: the purchaser may still reject; the order closes
// in the same transaction.
func TestRejectByPurchaser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		q := f.sent(t, purchaser, map[string]int64{"T-NB": 2, "T-DOCK": 1}, approver)
		q, err := f.ss.Reject(context.Background(), f.P(t, purchaser), q.ID, q.Version, "Zu teuer.")
		ordertest.WantCode(t, err, "")
		if q.State != quote.StateRejected || f.orderState(t, q) != order.StateClosed {
			t.Fatalf("quote %s, order %s", q.State, f.orderState(t, q))
		}
	})
}

// TestInbox: the approvers who may decide the open stage find the quote in
// their inbox; the purchaser and those above whose limit it is do not.
func TestInbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		q := f.sent(t, purchaser, map[string]int64{"T-NB": 30, "T-DOCK": 1}, amtsleiter, kaemmerei)
		in := func(email string) bool {
			qs, err := f.qs.Inbox(ctx, f.P(t, email))
			if err != nil {
				t.Fatal(err)
			}
			return len(qs) == 1 && qs[0].ID == q.ID
		}
		for email, want := range map[string]bool{purchaser: false, approver: false, amtsleiter: true, kaemmerei: true} {
			if got := in(email); got != want {
				t.Errorf("stage 1: %s has it %v, want %v", email, got, want)
			}
		}
		f.accept(t, amtsleiter, q, "")
		for email, want := range map[string]bool{amtsleiter: false, kaemmerei: true} {
			if got := in(email); got != want {
				t.Errorf("stage 2: %s has it %v, want %v", email, got, want)
			}
		}
	})
}

// TestStepsRefuseVersionZero: the steps across order and quotation take
// the version the user saw; 0 or a negative one is a 422 naming version
// (it used to mean "whatever is current"), and nothing changes.
func TestStepsRefuseVersionZero(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		q := f.sent(t, purchaser, map[string]int64{"T-SRV": 1}, approver)
		o := f.Submit(t, purchaser, map[string]int64{"T-SRV": 1})
		tests := []struct {
			name string
			step func(v int64) error
		}{
			{"open quote", func(v int64) error { _, err := f.ss.OpenQuote(ctx, f.P(t, staff), o.ID, v); return err }},
			{"accept", func(v int64) error { _, err := f.ss.Accept(ctx, f.P(t, approver), q.ID, v, ""); return err }},
			{"reject", func(v int64) error { _, err := f.ss.Reject(ctx, f.P(t, purchaser), q.ID, v, "zu teuer"); return err }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				for _, v := range []int64{0, -1} {
					err := tc.step(v)
					ordertest.WantCode(t, err, apperr.Invalid)
					if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "version" {
						t.Fatalf("fields %+v, want version", fe)
					}
				}
			})
		}
		if after := f.reload(t, q); after.Version != q.Version || after.State != quote.StateSent {
			t.Fatalf("quote changed to %s v%d, was sent v%d", after.State, after.Version, q.Version)
		}
	})
}
