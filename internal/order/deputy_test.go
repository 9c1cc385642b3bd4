package order_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// addUser creates a Börde user with roles, for deputies that cannot decide
// on their own.
func addUser(t *testing.T, f *ordertest.Fixture, email string, roles ...string) {
	t.Helper()
	ctx := context.Background()
	u := &account.User{OrgID: f.Boerde, Email: email, Name: "Kollegin " + email}
	if err := account.CreateUserWithHash(ctx, f.DB, u, demo.PasswordHash()); err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if err := authz.Grant(ctx, f.DB, u.ID, f.Boerde, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Authz.Reload(ctx); err != nil {
		t.Fatal(err)
	}
}

// name makes deputy the Vertretung of principal from today+from to
// today+to, as the principal.
func name(t *testing.T, f *ordertest.Fixture, clk *clock.Manual, principal, deputy string, from, to int) {
	t.Helper()
	p := f.P(t, principal)
	today := clock.Today(clk)
	_, err := f.Accounts.SetDeputy(context.Background(), p, p.User.ID, account.DeputyInput{
		DeputyUserID: f.P(t, deputy).User.ID, From: today.AddDays(from), To: today.AddDays(to)})
	ordertest.WantCode(t, err, "")
}

func stageOf(o *order.Order, no int) *order.Stage {
	for _, s := range o.RoundStages() {
		if s.StageNo == no {
			return s
		}
	}
	return nil
}

// TestDeputyDecides: a deputy decides with the principal's role and limit
// within the period, is refused outside it, above the principal's limit
// and on their own request; the stage and the audit say on whose behalf.
func TestDeputyDecides(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		clk := clock.NewManual(time.Now())
		f.Accounts.Clock, f.Orders.Clock = clk, clk
		// A purchaser who holds no approval right of her own stands in for
		// the approver (limit 25.000 €).
		addUser(t, f, "kollegin@boerde.example", authz.RolePurchaser)
		small := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		large := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})
		own := f.Submit(t, "kollegin@boerde.example", map[string]int64{"T-MON": 1})

		// Before the period starts she decides nothing and sees nothing.
		name(t, f, clk, "genehmigung@boerde.example", "kollegin@boerde.example", 1, 5)
		_, err := f.Orders.Approve(ctx, f.P(t, "kollegin@boerde.example"), small.ID, small.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		if in, err := f.Orders.Inbox(ctx, f.P(t, "kollegin@boerde.example")); err == nil && len(in) > 0 {
			t.Fatalf("inbox before the period: %d orders", len(in))
		}

		clk.AddDays(1)
		k := f.P(t, "kollegin@boerde.example")
		if len(k.Deputies) != 1 || k.Deputies[0].OnBehalfOfID() != f.P(t, "genehmigung@boerde.example").User.ID {
			t.Fatalf("deputies %+v", k.Deputies)
		}
		in, err := f.Orders.Inbox(ctx, k)
		ordertest.WantCode(t, err, "")
		if len(in) != 1 || in[0].ID != small.ID {
			t.Fatalf("deputy inbox: %v", ids(in))
		}
		// Above the principal's limit (30.309,30 € > 25.000 €).
		_, err = f.Orders.Approve(ctx, k, large.ID, large.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		// Her own request: four-eyes holds for the deputy as a person.
		_, err = f.Orders.Approve(ctx, k, own.ID, own.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		// Within the period and the limit.
		o, err := f.Orders.Approve(ctx, k, small.ID, small.Version, "In Vertretung geprüft.")
		ordertest.WantCode(t, err, "")
		st := stageOf(o, 1)
		g := f.P(t, "genehmigung@boerde.example")
		if o.State != order.StateApproved || st.DecidedBy == nil || *st.DecidedBy != k.User.ID || st.OnBehalfOf == nil || *st.OnBehalfOf != g.User.ID {
			t.Fatalf("after deputy approval: %s %+v", o.State, st)
		}
		if got, want := st.DecidedByLabel(), "Kollegin kollegin@boerde.example im Auftrag von Gerd Günther"; got != want {
			t.Errorf("label %q, want %q", got, want)
		}
		o, err = f.Orders.Get(ctx, k, small.ID)
		ordertest.WantCode(t, err, "")
		if st := stageOf(o, 1); st.OnBehalfOfName != "Gerd Günther" {
			t.Errorf("stored on_behalf_of_name %q", st.OnBehalfOfName)
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "order", EntityID: small.ID})
		ordertest.WantCode(t, err, "")
		var last audit.Entry
		for _, e := range entries {
			if e.Action == "order.approve" {
				last = e
			}
		}
		if last.Action != "order.approve" || last.ActorID == nil || *last.ActorID != k.User.ID || !strings.Contains(last.Detail, `"on_behalf_of":{"id":`) || !strings.Contains(last.Detail, "Gerd Günther") {
			t.Errorf("audit entry %+v", last)
		}

		// After the period she is refused again.
		other := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 3})
		clk.AddDays(5)
		k = f.P(t, "kollegin@boerde.example")
		if len(k.Deputies) != 0 {
			t.Fatalf("deputies after the period: %+v", k.Deputies)
		}
		_, err = f.Orders.Approve(ctx, k, other.ID, other.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
	})
}

// TestDeputyUnblocksStuckChain is demo BA-2026-000010: the Kämmerei
// decided stage 1 of a large order, and nobody else may decide stage 2
// (member_admin) until she names a deputy, who decides it in her name; a
// deputy who decided stage 1 themselves may not decide stage 2.
func TestDeputyUnblocksStuckChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		clk := clock.NewManual(time.Now())
		f.Accounts.Clock, f.Orders.Clock = clk, clk
		a := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})
		b := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 31})

		a, err := f.Orders.Approve(ctx, f.P(t, "kaemmerei@boerde.example"), a.ID, a.Version, "")
		ordertest.WantCode(t, err, "")
		b, err = f.Orders.Approve(ctx, f.P(t, "amtsleitung@boerde.example"), b.ID, b.Version, "")
		ordertest.WantCode(t, err, "")
		_, err = f.Orders.Approve(ctx, f.P(t, "kaemmerei@boerde.example"), a.ID, a.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)

		name(t, f, clk, "kaemmerei@boerde.example", "amtsleitung@boerde.example", 0, 14)
		al := f.P(t, "amtsleitung@boerde.example")
		// Stage 2 of b: amtsleitung decided stage 1 herself.
		_, err = f.Orders.Approve(ctx, al, b.ID, b.Version, "")
		ordertest.WantCode(t, err, apperr.Forbidden)
		a, err = f.Orders.Approve(ctx, al, a.ID, a.Version, "Für die Kämmerei.")
		ordertest.WantCode(t, err, "")
		if st := stageOf(a, 2); a.State != order.StateApproved || st.OnBehalfOfName != "Käthe Kämmerer" || *st.DecidedBy != al.User.ID {
			t.Fatalf("stage 2: %s %+v", a.State, st)
		}

		// Ending the Vertretung takes the right away at once.
		kp := f.P(t, "kaemmerei@boerde.example")
		ordertest.WantCode(t, f.Accounts.ClearDeputy(ctx, kp, kp.User.ID), "")
		if al := f.P(t, "amtsleitung@boerde.example"); len(al.Deputies) != 0 {
			t.Fatalf("deputies after clearing: %+v", al.Deputies)
		}
	})
}

func ids(os []*order.Order) []int64 {
	out := make([]int64, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

// TestDeputyAndPrincipalAtOncePG: the Kämmerei and her deputy decide
// stage 2 of the same order at once, 20 times over, each with the
// version they saw: exactly one decision stands, the rest are conflicts,
// and a deputy whose Vertretung is ended meanwhile decides nothing.
func TestDeputyAndPrincipalAtOncePG(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := ordertest.Seed(t, bdb)
	clk := clock.NewManual(time.Now())
	f.Accounts.Clock, f.Orders.Clock = clk, clk
	addUser(t, f, "kollegin@boerde.example", authz.RolePurchaser)
	o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})
	o, err := f.Orders.Approve(ctx, f.P(t, "amtsleitung@boerde.example"), o.ID, o.Version, "")
	ordertest.WantCode(t, err, "")
	name(t, f, clk, "kaemmerei@boerde.example", "kollegin@boerde.example", 0, 3)
	actors := []account.Principal{f.P(t, "kaemmerei@boerde.example"), f.P(t, "kollegin@boerde.example")}
	const n = 20
	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		ok, conflicts int
		others        []error
		start         = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(p account.Principal) {
			defer wg.Done()
			<-start
			_, err := f.Orders.Approve(ctx, p, o.ID, o.Version, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apperr.CodeOf(err) == apperr.Conflict:
				conflicts++
			default:
				others = append(others, err)
			}
		}(actors[i%len(actors)])
	}
	close(start)
	wg.Wait()
	if ok != 1 || conflicts != n-1 || len(others) != 0 {
		t.Fatalf("%d ok, %d conflicts, others %v", ok, conflicts, others)
	}

	// A principal loaded while the Vertretung held, acting after it was
	// ended: the step's own check in the transaction refuses.
	o2 := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 31})
	o2, err = f.Orders.Approve(ctx, f.P(t, "amtsleitung@boerde.example"), o2.ID, o2.Version, "")
	ordertest.WantCode(t, err, "")
	stale := f.P(t, "kollegin@boerde.example")
	kp := f.P(t, "kaemmerei@boerde.example")
	ordertest.WantCode(t, f.Accounts.ClearDeputy(ctx, kp, kp.User.ID), "")
	_, err = f.Orders.Approve(ctx, stale, o2.ID, o2.Version, "")
	ordertest.WantCode(t, err, apperr.Forbidden)
}

// TestDeputiesAreMailed: the mail about a new request goes to the
// deputies standing in today for those who may decide it, as to the
// principals themselves, and not to a deputy whose period has not begun
// or has ended.
func TestDeputiesAreMailed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := ordertest.Seed(t, bdb)
		clk := clock.NewManual(time.Now())
		f.Accounts.Clock, f.Orders.Clock = clk, clk
		addUser(t, f, "kollegin@boerde.example", authz.RolePurchaser)
		addUser(t, f, "spaeter@boerde.example", authz.RolePurchaser)
		addUser(t, f, "frueher@boerde.example", authz.RolePurchaser)
		name(t, f, clk, "genehmigung@boerde.example", "kollegin@boerde.example", 0, 5)
		name(t, f, clk, "kaemmerei@boerde.example", "spaeter@boerde.example", 1, 5)
		name(t, f, clk, "amtsleitung@boerde.example", "frueher@boerde.example", 0, 2)
		clk.AddDays(3) // frueher's period is over, spaeter's has begun, kollegin's goes on

		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		got := recipients(t, f, o.ID, "order.submit")
		// genehmigung's limit covers the request: the deputies of the
		// Kämmerei and the Amtsleitung may decide it too, as they may.
		if !slices.Contains(got, "genehmigung@boerde.example") || !slices.Contains(got, "kollegin@boerde.example") ||
			!slices.Contains(got, "spaeter@boerde.example") || slices.Contains(got, "frueher@boerde.example") {
			t.Fatalf("mails to %v", got)
		}
		seen := map[string]bool{}
		for _, to := range got {
			if seen[to] {
				t.Fatalf("%s mailed twice: %v", to, got)
			}
			seen[to] = true
		}
	})
}
