package subscription_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/subscription"
)

// killChildDSN names the environment variable that makes
// TestBillingRunKillChild the child process of TestBillingRunKilledPG:
// the PostgreSQL URL of the parent's private schema (its search_path).
const killChildDSN = "COOPSHOP_BILLING_KILL_DSN"

// TestBillingRunKilledPG is issue 12's "kill the process during a run of
// 1 000 subscriptions and start it again → each invoiced once" for real:
// 1 000 rentals of 100 members are prepared in a private PostgreSQL
// schema, a child process (this test binary, TestBillingRunKillChild)
// runs November's billing on it and is SIGKILLed as soon as some invoices
// exist, half-way through; the run started again here invoices the rest:
// every subscription once, one invoice per member and month, the invoice
// numbers gapless (the killed member's transaction left no trace).
func TestBillingRunKilledPG(t *testing.T) {
	if os.Getenv(killChildDSN) != "" {
		t.Skip("in the child process")
	}
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := setup(t, bdb, calendar.MustParse("2026-12-01"))
	ids := manyMembers(t, f, 100, 10)
	var schema string
	if err := bdb.NewRaw("SELECT current_schema()").Scan(ctx, &schema); err != nil {
		t.Fatal(err)
	}
	dsn, err := withSearchPath(dbtest.URL(t), schema)
	if err != nil {
		t.Fatal(err)
	}

	child := exec.Command(os.Args[0], "-test.run=^TestBillingRunKillChild$", "-test.count=1", "-test.v")
	child.Env = append(os.Environ(), killChildDSN+"="+dsn)
	var out bytes.Buffer
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()

	count := func() int {
		t.Helper()
		n, err := bdb.NewSelect().Model((*invoice.Invoice)(nil)).Where("order_id IS NULL").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for count() < 5 {
		select {
		case err := <-exited:
			t.Fatalf("the child ended before it could be killed (%v, %d invoices):\n%s", err, count(), out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = child.Process.Kill()
			t.Fatalf("no invoices after 2 minutes:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := child.Process.Kill(); err != nil { // SIGKILL: no deferred code, no rollback by the process
		t.Fatal(err)
	}
	if err := <-exited; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the child was not killed but ended with %v:\n%s", err, out.String())
	}
	killedAt := count()
	if killedAt >= len(ids) {
		t.Fatalf("the child had invoiced all %d members before the kill", killedAt)
	}
	t.Logf("child killed after %d of %d invoices", killedAt, len(ids))

	finance := f.P(t, "finanzen@kid.example")
	res, err := f.subs.BillingRun(ctx, finance, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	// The killed child may have committed one more member between the
	// count and the kill; together the two runs invoice every member.
	if total := count(); total != len(ids) || len(res.Invoices)+res.Skipped != len(ids) || res.Run.State != subscription.RunDone {
		t.Fatalf("after the restart: %d invoices, %d created now, %d skipped, run %s", total, len(res.Invoices), res.Skipped, res.Run.State)
	}
	if res.Skipped < killedAt {
		t.Fatalf("the restart skipped %d members, but %d were invoiced before", res.Skipped, killedAt)
	}
	billedOnce(t, bdb, ids, 10)
	var numbers []string
	if err := bdb.NewSelect().Model((*invoice.Invoice)(nil)).Column("number").Where("order_id IS NULL").OrderExpr("number").Scan(ctx, &numbers); err != nil {
		t.Fatal(err)
	}
	for i, n := range numbers {
		if want := fmt.Sprintf("RE-2026-%06d", i+1); n != want {
			t.Fatalf("number %d is %s, want %s (gapless)", i, n, want)
		}
	}
	runs, err := f.subs.Runs(ctx, finance, 10)
	if err != nil || len(runs) != 1 || len(runs[0].Invoices) != len(ids) {
		t.Fatalf("runs: %v %+v", err, runs)
	}
}

// TestBillingRunKillChild is the child of TestBillingRunKilledPG (it does
// nothing otherwise): it wires the services on the parent's schema with
// the parent's clock and runs November's billing until it is killed.
func TestBillingRunKillChild(t *testing.T) {
	dsn := os.Getenv(killChildDSN)
	if dsn == "" {
		t.Skip("only as the child of TestBillingRunKilledPG")
	}
	ctx := context.Background()
	bdb, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.At(calendar.MustParse("2026-12-01"))
	orders := order.NewService(bdb, az)
	orders.Clock = clk
	inv := invoice.NewService(bdb, az, orders)
	inv.Clock, inv.XRechnung = clk, export.XRechnung
	subs := subscription.NewService(bdb, az, inv)
	subs.Clock, subs.Orders = clk, orders
	u, err := account.UserByEmail(ctx, bdb, "finanzen@kid.example")
	if err != nil {
		t.Fatal(err)
	}
	p, err := account.NewService(bdb, az, config.Default()).Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := subs.BillingRun(ctx, *p, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the child finished unkilled: %d invoices", len(res.Invoices))
}

// withSearchPath adds the search_path of schema to a PostgreSQL URL;
// the driver passes unknown URL parameters on as run-time parameters.
func withSearchPath(raw, schema string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
