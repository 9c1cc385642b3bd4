package privacy_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/job"
	"coopshop/internal/privacy"
)

func count(t *testing.T, bdb bun.IDB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := bdb.NewRaw(query, args...).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The retention run, with a clock moved forward: sessions go once they
// expired (8 hours), reset links after 2 hours, API tokens after 24
// hours, the throttle's failed logins with their addresses after a day,
// the audit entries of logins after the login retention (30 days by
// default, shorter when configured); every other entry stays, and the
// deletion from the trail is itself recorded.
func TestPurgeWithMovedClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, bdb); err != nil {
			t.Fatal(err)
		}
		az, err := authz.New(bdb)
		if err != nil {
			t.Fatal(err)
		}
		// audit.Write stamps entries with the real time: the manual clock
		// starts there.
		clk := clock.NewManual(time.Now())
		cfg := config.Default()
		cfg.LoginFailureDelay = 0
		accounts := account.NewService(bdb, az, cfg)
		accounts.Clock = clk
		svc := privacy.NewService(bdb, az, accounts)
		svc.Clock = clk
		email := "einkauf@boerde.example"
		u, err := account.UserByEmail(ctx, bdb, email)
		if err != nil {
			t.Fatal(err)
		}
		p, err := accounts.Login(ctx, email, demo.Password, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := accounts.Login(ctx, email, "falsch", "192.0.2.1"); err == nil {
			t.Fatal("wrong password accepted")
		}
		if _, _, err := accounts.StartSession(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := accounts.IssueToken(ctx, *p); err != nil {
			t.Fatal(err)
		}
		if err := accounts.RequestPasswordReset(ctx, email); err != nil {
			t.Fatal(err)
		}
		// A session kept alive for long (a kiosk) keeps its address for
		// the login retention only.
		if _, long, err := account.NewSession(ctx, bdb, u.ID, 60*24*time.Hour, clk.Now()); err != nil {
			t.Fatal(err)
		} else if _, err := bdb.NewUpdate().Model(long).Set("address = '192.0.2.9'").WherePK().Exec(ctx); err != nil {
			t.Fatal(err)
		}
		otherEntries := count(t, bdb, "SELECT COUNT(*) FROM audit_log WHERE action NOT IN ('user.login', 'user.login_failed')")
		state := func() [5]int {
			return [5]int{
				count(t, bdb, "SELECT COUNT(*) FROM sessions"),
				count(t, bdb, "SELECT COUNT(*) FROM api_tokens"),
				count(t, bdb, "SELECT COUNT(*) FROM user_tokens"),
				count(t, bdb, "SELECT COUNT(*) FROM login_failures"),
				count(t, bdb, "SELECT COUNT(*) FROM audit_log WHERE action IN ('user.login', 'user.login_failed')"),
			}
		}
		steps := []struct {
			advance time.Duration
			want    [5]int // sessions, api tokens, links, login failures, login entries
			purged  privacy.PurgeResult
		}{
			{0, [5]int{2, 1, 1, 1, 2}, privacy.PurgeResult{}},
			{3 * time.Hour, [5]int{2, 1, 0, 1, 2}, privacy.PurgeResult{Links: 1}},
			{6 * time.Hour, [5]int{1, 1, 0, 1, 2}, privacy.PurgeResult{Sessions: 1}},
			{16 * time.Hour, [5]int{1, 0, 0, 0, 2}, privacy.PurgeResult{APITokens: 1, LoginFailures: 1}},
			{28 * 24 * time.Hour, [5]int{1, 0, 0, 0, 2}, privacy.PurgeResult{}},
			{2 * 24 * time.Hour, [5]int{1, 0, 0, 0, 0}, privacy.PurgeResult{LoginEntries: 2, Addresses: 1}},
		}
		for i, st := range steps {
			clk.Advance(st.advance)
			got, err := svc.Purge(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != st.purged {
				t.Errorf("step %d: purged %+v, want %+v", i, got, st.purged)
			}
			if s := state(); s != st.want {
				t.Errorf("step %d: left %v, want %v", i, s, st.want)
			}
		}
		if n := count(t, bdb, "SELECT COUNT(*) FROM sessions WHERE address <> ''"); n != 0 {
			t.Errorf("%d sessions keep an address", n)
		}
		if n := count(t, bdb, "SELECT COUNT(*) FROM audit_log WHERE action NOT IN ('user.login', 'user.login_failed', 'privacy.purge')"); n != otherEntries {
			t.Errorf("%d other audit entries left, want %d", n, otherEntries)
		}
		if n := count(t, bdb, "SELECT COUNT(*) FROM audit_log WHERE action = 'privacy.purge'"); n != 1 {
			t.Errorf("%d privacy.purge entries, want 1", n)
		}

		// A shorter retention (COOPSHOP_LOGIN_RETENTION_DAYS=2) purges
		// login entries after two days.
		if _, err := accounts.Login(ctx, email, "falsch", "192.0.2.2"); err == nil {
			t.Fatal("wrong password accepted")
		}
		clk.Set(time.Now().Add(2*24*time.Hour + time.Minute))
		svc.LoginRetention = 2 * 24 * time.Hour
		got, err := svc.Purge(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.LoginEntries != 1 {
			t.Errorf("with 2 days: purged %+v", got)
		}
	})
}

// The retention run is a job: scheduled once per hour, it purges and
// writes the next hour's run.
func TestPurgeJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, bdb); err != nil {
			t.Fatal(err)
		}
		az, err := authz.New(bdb)
		if err != nil {
			t.Fatal(err)
		}
		clk := clock.NewManual(time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC))
		accounts := account.NewService(bdb, az, config.Default())
		accounts.Clock = clk
		svc := privacy.NewService(bdb, az, accounts)
		svc.Clock = clk
		u, _ := account.UserByEmail(ctx, bdb, "einkauf@boerde.example")
		if _, _, err := account.NewSession(ctx, bdb, u.ID, time.Hour, clk.Now()); err != nil {
			t.Fatal(err)
		}
		runner := job.NewRunner(bdb, clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
		svc.Register(runner)
		for range 2 { // scheduling twice writes one job
			if err := svc.SchedulePurge(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, bdb, "SELECT COUNT(*) FROM jobs WHERE kind = ?", privacy.KindPurge); n != 1 {
			t.Fatalf("%d retention jobs, want 1", n)
		}
		clk.Advance(2 * time.Hour) // the session expired
		if n, err := runner.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("drained %d: %v", n, err)
		}
		if n := count(t, bdb, "SELECT COUNT(*) FROM sessions"); n != 0 {
			t.Errorf("%d sessions left", n)
		}
		var next job.Job
		if err := bdb.NewSelect().Model(&next).Where("kind = ? AND state = ?", privacy.KindPurge, job.StatePending).Scan(ctx); err != nil {
			t.Fatalf("no next run: %v", err)
		}
		if want := time.Date(2026, 11, 22, 13, 0, 0, 0, time.UTC); next.RunAt == nil || !next.RunAt.Equal(want) {
			t.Errorf("next run at %v, want %v", next.RunAt, want)
		}
	})
}
