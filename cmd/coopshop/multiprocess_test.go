package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"coopshop/internal/db"
	"coopshop/migrations"
)

// TestThreeProcesses runs three `coopshop serve` on one fresh PostgreSQL
// database, as a deployment behind a load balancer does (issue 15):
//
//   - all three start at once on the empty database: each migration is
//     applied once, by one of them, and none logs an error;
//   - round-robin, a purchaser logs in at one, fills the cart at the
//     next and submits at the third; an approver and sales carry the
//     order on, each step at another process: sessions (API tokens) and
//     carts live in the database;
//   - a role removed or a user deactivated through one process is
//     refused by the other two within a second (LISTEN/NOTIFY,
//     internal/authz/watch.go: the policy reloaded, the principals of
//     tokens cached for up to a second forgotten);
//   - restarted together with work due (an expired quotation, a request
//     waiting for weeks, today's reminder run not yet done) and asked by
//     all three at once for the same billing run, every job and run takes
//     effect once: one expiry, one reminder per order and recipient, one
//     invoice per member and month, one document per issue job, one mail
//     per event and recipient.
//
// Mails go out at least once, not exactly once: a mail job is marked done
// after the mail server took the mail, so a crash between the two sends
// it again (internal/notify.MailHandler).
func TestThreeProcesses(t *testing.T) {
	dbURL, bdb := freshDatabase(t)
	bin := buildBinary(t)
	ctx := context.Background()

	procs := startProcs(t, bin, dbURL, 3)
	checkMigratedOnce(t, bdb, procs)
	// Seed while they run: its roles reach their enforcers by NOTIFY.
	runCommand(t, bin, dbURL, "seed")

	t.Run("browser session", func(t *testing.T) { browserSession(t, procs) })
	t.Run("flow round-robin", func(t *testing.T) { roundRobin(t, bdb, procs) })
	t.Run("role removed", func(t *testing.T) { roleRemoved(t, procs) })
	t.Run("user deactivated", func(t *testing.T) { userDeactivated(t, procs) })
	waitJobsSettled(t, bdb, 60*time.Second)
	for _, p := range procs {
		p.stop(t)
	}

	// Work that falls due with time, made due by hand: the demo's sent
	// quotation ran out yesterday; the waiting requests wait since a
	// month; today's reminder run has not run yet.
	for _, q := range []string{
		`UPDATE quotes SET valid_until = CURRENT_DATE - 1 WHERE state = 'sent'`,
		`UPDATE orders SET updated_at = now() - interval '30 days' WHERE state = 'submitted'`,
		`DELETE FROM jobs WHERE kind IN ('order.reminders', 'quote.reminders') AND state = 'done'`,
	} {
		if _, err := bdb.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var expiring []int64
	if err := bdb.NewRaw(`SELECT id FROM quotes WHERE state = 'sent'`).Scan(ctx, &expiring); err != nil || len(expiring) == 0 {
		t.Fatalf("no sent quotation to expire (%v)", err)
	}
	procs = startProcs(t, bin, dbURL, 3)
	month := time.Now().AddDate(0, -2, 0).Format("2006-01")
	results := make(chan billingResult, len(procs))
	for _, p := range procs {
		go func(p *proc) { results <- billingRun(t, p, month) }(p)
	}
	invoiced := 0
	for range procs {
		r := <-results
		if r.err != nil {
			t.Errorf("billing run %s: %v", month, r.err)
		}
		invoiced += r.invoices
	}
	waitJobsSettled(t, bdb, 60*time.Second)
	for _, p := range procs {
		p.stop(t)
	}

	checkOnce(t, bdb, expiring, month, invoiced)
	for _, p := range procs {
		if lines := p.errorLines(); len(lines) > 0 {
			t.Errorf("%s logged errors:\n%s", p.name, strings.Join(lines, "\n"))
		}
	}
}

// checkMigratedOnce: the three processes that started together applied
// every migration once between them.
func checkMigratedOnce(t *testing.T, bdb *bun.DB, procs []*proc) {
	t.Helper()
	ms, err := db.LoadMigrations(migrations.FS, dialect.PG)
	if err != nil {
		t.Fatal(err)
	}
	var rows, distinct int
	if err := bdb.NewRaw("SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(context.Background(), &rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) || distinct != len(ms) {
		t.Errorf("schema_migrations: %d rows, %d versions; want %d once each", rows, distinct, len(ms))
	}
	applied := map[string]int{}
	for _, p := range procs {
		for _, l := range strings.Split(p.log.String(), "\n") {
			if strings.Contains(l, `msg="migration applied"`) {
				_, v, _ := strings.Cut(l, "version=")
				v, _, _ = strings.Cut(v, " ")
				applied[v]++
			}
		}
		if lines := p.errorLines(); len(lines) > 0 {
			t.Errorf("%s logged errors while starting:\n%s", p.name, strings.Join(lines, "\n"))
		}
	}
	for _, m := range ms {
		if n := applied[fmt.Sprint(m.Version)]; n != 1 {
			t.Errorf("migration %04d applied %d times by the three processes, want once", m.Version, n)
		}
	}
}

// roundRobin: log in at one process, fill the cart at the next, submit
// at the third; approve, confirm elsewhere again.
func roundRobin(t *testing.T, bdb *bun.DB, procs []*proc) {
	p0, p1, p2 := procs[0], procs[1], procs[2]
	buyer := login(t, p0, "einkauf@boerde.example")
	// Two products under contract, so that sales may confirm.
	for _, item := range []struct{ id, qty int }{{18, 2}, {13, 1}} {
		mustCall(t, "PUT", p1, fmt.Sprintf("/cart/items/%d", item.id), buyer, map[string]int{"quantity": item.qty}, nil, 200)
	}
	var cart struct {
		Items []struct {
			ProductID int64 `json:"product_id"`
		} `json:"items"`
	}
	mustCall(t, "GET", p2, "/cart", buyer, nil, &cart, 200)
	if len(cart.Items) != 2 {
		t.Fatalf("%s sees %d cart items, want the 2 put in through %s", p2.name, len(cart.Items), p1.name)
	}
	var o orderJSON
	mustCall(t, "POST", p2, "/orders", buyer, map[string]any{"cost_centre": "1100", "delivery_address_id": 1, "reason": "Drei Prozesse"}, &o, 201)
	approver := login(t, p1, "genehmigung@boerde.example")
	mustCall(t, "POST", p0, fmt.Sprintf("/orders/%d/approve", o.ID), approver, map[string]any{"version": o.Version, "comment": "ok"}, &o, 200)
	if o.State != "approved" {
		t.Fatalf("approved through %s: state %s", p0.name, o.State)
	}
	sales := login(t, p2, "vertrieb@kid.example")
	mustCall(t, "POST", p1, fmt.Sprintf("/orders/%d/confirm", o.ID), sales, map[string]any{"version": o.Version}, &o, 200)
	if o.State != "confirmed" {
		t.Fatalf("confirmed through %s: state %s", p1.name, o.State)
	}
	// Each process reads the order as the last step left it.
	for _, p := range procs {
		var got orderJSON
		mustCall(t, "GET", p, fmt.Sprintf("/orders/%d", o.ID), buyer, nil, &got, 200)
		if got.State != "confirmed" || got.Version != o.Version {
			t.Errorf("%s reads %s v%d, want confirmed v%d", p.name, got.State, got.Version, o.Version)
		}
	}
	waitJobsSettled(t, bdb, 60*time.Second)
	var mails int
	if err := bdb.NewRaw(`SELECT count(*) FROM jobs WHERE kind = 'mail' AND entity = 'order' AND entity_id = ? AND state = 'done'`, o.ID).
		Scan(context.Background(), &mails); err != nil || mails == 0 {
		t.Errorf("order %s: %d mails sent (%v), want its step mails", o.Number, mails, err)
	}
}

// browserSession: the login form comes from one process (with the CSRF
// token of a fresh session), is sent to the next, and the third shows the
// logged-in user's pages.
func browserSession(t *testing.T, procs []*proc) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// The processes share 127.0.0.1: the jar keeps one cookie for all.
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	page := func(p *proc, path string) (int, string) {
		t.Helper()
		resp, err := browser.Get(p.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	_, form := page(procs[0], "/login")
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("%s: login form without _csrf:\n%s", procs[0].name, form)
	}
	resp, err := browser.PostForm(procs[1].base+"/login", url.Values{"_csrf": {m[1]}, "email": {"einkauf@boerde.example"}, "password": {"coopshop-demo"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path == "/login" {
		t.Fatalf("%s: login answered %d at %s", procs[1].name, resp.StatusCode, resp.Request.URL)
	}
	st, body := page(procs[2], "/orders")
	if st != 200 || !strings.Contains(body, "Birgit Böhm") {
		t.Fatalf("%s: /orders answered %d without the user logged in at %s", procs[2].name, st, procs[1].name)
	}
}

// roleRemoved: admin takes the purchaser role of Weißenfels' purchaser
// away through process 0; processes 1 and 2 refuse the cart within a
// second.
func roleRemoved(t *testing.T, procs []*proc) {
	admin := login(t, procs[0], "admin@kid.example")
	buyer := login(t, procs[1], "einkauf@weissenfels.example")
	for _, p := range procs[1:] {
		mustCall(t, "PUT", p, "/cart/items/17", buyer, map[string]int{"quantity": 1}, nil, 200)
	}
	u := userByEmail(t, procs[0], admin, "einkauf@weissenfels.example")
	mustCall(t, "PUT", procs[0], fmt.Sprintf("/users/%d/roles", u.ID), admin, map[string]any{"version": u.Version, "roles": []string{}}, nil, 200)
	refusedWithinASecond(t, procs[1:], procs[0], "the removed role", func(p *proc) (int, error) {
		return call(context.Background(), "PUT", p.base, "/cart/items/17", buyer, map[string]int{"quantity": 2}, nil)
	}, 403)
}

// userDeactivated: a user deactivated through process 1 is refused (401)
// by the others within a second.
func userDeactivated(t *testing.T, procs []*proc) {
	admin := login(t, procs[1], "admin@kid.example")
	user := login(t, procs[2], "genehmigung@weissenfels.example")
	for _, p := range procs {
		mustCall(t, "GET", p, "/orders", user, nil, nil, 200)
	}
	u := userByEmail(t, procs[1], admin, "genehmigung@weissenfels.example")
	mustCall(t, "PATCH", procs[1], fmt.Sprintf("/users/%d", u.ID), admin, map[string]any{"version": u.Version, "active": false}, nil, 200)
	refusedWithinASecond(t, []*proc{procs[0], procs[2]}, procs[1], "the deactivated user", func(p *proc) (int, error) {
		return call(context.Background(), "GET", p.base, "/orders", user, nil, nil)
	}, 401)
}

// refusedWithinASecond asks each of procs by ask until it answers want,
// and fails when one still answers otherwise a second after the change
// made through changed.
func refusedWithinASecond(t *testing.T, procs []*proc, changed *proc, what string, ask func(*proc) (int, error), want int) {
	t.Helper()
	since := time.Now()
	for _, p := range procs {
		for {
			st, err := ask(p)
			if err != nil {
				t.Fatal(err)
			}
			if st == want {
				t.Logf("%s refuses %s %v after the change committed", p.name, what, time.Since(since).Round(time.Millisecond))
				break
			}
			if time.Since(since) > time.Second {
				t.Fatalf("%s still answers %d for %s a second after the change through %s", p.name, st, what, changed.name)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

type userJSON struct {
	ID      int64  `json:"id"`
	Email   string `json:"email"`
	Version int64  `json:"version"`
}

func userByEmail(t *testing.T, p *proc, token, email string) userJSON {
	t.Helper()
	var users struct{ Items []userJSON }
	mustCall(t, "GET", p, "/users", token, nil, &users, 200)
	for _, u := range users.Items {
		if u.Email == email {
			return u
		}
	}
	t.Fatalf("no user %s", email)
	return userJSON{}
}

type billingResult struct {
	invoices int
	err      error
}

// billingRun asks p for the billing run of month as finance.
func billingRun(t *testing.T, p *proc, month string) billingResult {
	var tok struct{ Token string }
	st, err := call(context.Background(), "POST", p.base, "/auth/token", "", map[string]string{"email": "finanzen@kid.example", "password": "coopshop-demo"}, &tok)
	if err != nil || st != 200 {
		return billingResult{err: fmt.Errorf("login at %s: %d %v", p.name, st, err)}
	}
	var run struct {
		Invoices []any `json:"invoices"`
	}
	st, err = call(context.Background(), "POST", p.base, "/billing-runs", tok.Token, map[string]string{"month": month}, &run)
	switch {
	case err != nil:
		return billingResult{err: err}
	case st == 200 || st == 201:
		return billingResult{invoices: len(run.Invoices)}
	case st == 409: // another process runs the same month right now
		return billingResult{}
	}
	return billingResult{err: fmt.Errorf("%s answered %d", p.name, st)}
}

// checkOnce counts what the restarted processes did: each thing once.
func checkOnce(t *testing.T, bdb *bun.DB, expiring []int64, month string, invoiced int) {
	t.Helper()
	ctx := context.Background()
	count := func(what, q string, args ...any) int {
		t.Helper()
		var n int
		if err := bdb.NewRaw(q, args...).Scan(ctx, &n); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return n
	}
	for _, id := range expiring {
		if n := count("expiry", `SELECT count(*) FROM audit_log WHERE entity = 'quote' AND entity_id = ? AND action LIKE '%expire%'`, id); n != 1 {
			t.Errorf("quote %d: %d expiry entries, want 1", id, n)
		}
	}
	if n := count("expired", `SELECT count(*) FROM quotes WHERE id IN (?) AND state = 'expired'`, bun.List(expiring)); n != len(expiring) {
		t.Errorf("%d of %d quotations expired", n, len(expiring))
	}
	if n := count("reminder runs", `SELECT count(*) FROM jobs WHERE kind = 'order.reminders' AND state = 'done'`); n != 1 {
		t.Errorf("%d reminder runs done today, want 1", n)
	}
	if n := count("reminder mails", `SELECT count(*) FROM jobs WHERE kind = 'mail' AND payload::jsonb->>'event' = 'order.reminder'`); n == 0 {
		t.Error("no reminder mails for requests waiting a month")
	}
	// billing_invoices holds one row per member and month (its key): the
	// three runs wrote each member's invoice once between them.
	if n := count("invoices", `SELECT count(DISTINCT invoice_id) FROM billing_invoices WHERE month = ? AND invoice_id IS NOT NULL`, month); n != invoiced || n == 0 {
		t.Errorf("%d invoices for %s, the three answers reported %d (want the same, more than 0)", n, month, invoiced)
	}
	if n := count("issue jobs", `SELECT count(*) FROM jobs j WHERE kind = 'document.issue' AND NOT EXISTS (
		SELECT 1 FROM documents d WHERE d.entity = j.payload::jsonb->'ref'->>'Entity'
		AND d.entity_id = (j.payload::jsonb->'ref'->>'EntityID')::bigint AND d.version = (j.payload::jsonb->'ref'->>'Version')::bigint)`); n != 0 {
		t.Errorf("%d document issue jobs without their document", n)
	}
	if n := count("duplicate mails", `SELECT count(*) FROM (SELECT 1 FROM jobs WHERE kind = 'mail'
		GROUP BY entity, entity_id, payload::jsonb->>'event', payload::jsonb->>'to', payload::jsonb->>'subject' HAVING count(*) > 1) x`); n != 0 {
		t.Errorf("%d mails enqueued more than once", n)
	}
	if n := count("failed jobs", `SELECT count(*) FROM jobs WHERE state = 'failed'`); n != 0 {
		t.Errorf("%d jobs failed", n)
	}
}
