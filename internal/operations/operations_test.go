package operations_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/job"
	"coopshop/internal/notify"
	"coopshop/internal/operations"
	"coopshop/migrations"
)

func principal(t *testing.T, bdb *bun.DB, accounts *account.Service, email string) account.Principal {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), bdb, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := accounts.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}

// TestOverviewAndRetry: the overview counts jobs per kind and state and
// mails by state, lists failed and backing-off jobs, the backups and the
// migrations; admin sends a failed job round again (one more attempt, at
// once, audited), a stale view or a job that is not waiting for a retry
// is a conflict; nobody but admin reads the page or retries.
func TestOverviewAndRetry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, bdb); err != nil {
			t.Fatal(err)
		}
		az, err := authz.New(bdb)
		if err != nil {
			t.Fatal(err)
		}
		accounts := account.NewService(bdb, az, config.Default())
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		clk := clock.NewManual(now)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "coopshop-20261122-023000.db"), []byte("sqlite"), 0o600)
		os.WriteFile(filepath.Join(dir, "notiz.txt"), []byte("x"), 0o600)
		s := &operations.Service{DB: bdb, Authz: az, Clock: clk, BackupDir: dir, BackupKeep: 7, Migrations: migrations.FS}

		// Three mails: one sent, one failed for good, one backing off; a
		// document job scheduled for later.
		for i := 0; i < 3; i++ {
			if err := notify.Enqueue(ctx, bdb, notify.Message{Event: "x", To: "a@b.example", Subject: "s", Body: "b", Entity: "order", EntityID: int64(7 + i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := job.Enqueue(ctx, bdb, "document.issue", map[string]int{"x": 1}, job.RunAt(now.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		if err := bdb.NewSelect().Table("jobs").Column("id").Where("kind = ?", notify.KindMail).OrderExpr("id").Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		sent, failed, waiting := ids[0], ids[1], ids[2]
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := bdb.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec("UPDATE jobs SET state = 'done', attempts = 1, done_at = ? WHERE id = ?", now, sent)
		exec("UPDATE jobs SET state = 'failed', attempts = 10, done_at = ?, last_error = 'smtp: connection refused' WHERE id = ?", now, failed)
		exec("UPDATE jobs SET state = 'pending', attempts = 2, run_at = ?, last_error = 'smtp: timeout' WHERE id = ?", now.Add(2*time.Minute), waiting)

		admin := principal(t, bdb, accounts, "admin@kid.example")
		o, err := s.Overview(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if o.Mails != (operations.MailStat{Sent: 1, Waiting: 1, Failed: 1}) {
			t.Errorf("mails %+v", o.Mails)
		}
		if len(o.Failed) != 1 || o.Failed[0].ID != failed || o.Failed[0].LastError != "smtp: connection refused" {
			t.Errorf("failed %+v", o.Failed)
		}
		if len(o.Retrying) != 1 || o.Retrying[0].ID != waiting {
			t.Errorf("retrying %+v", o.Retrying)
		}
		kinds := map[string]operations.KindStat{}
		for _, k := range o.Kinds {
			kinds[k.Kind] = k
		}
		if k := kinds["mail"]; k.Done != 1 || k.Failed != 1 || k.Scheduled != 1 || k.Due != 0 {
			t.Errorf("mail jobs %+v", k)
		}
		if k := kinds["document.issue"]; k.Scheduled != 1 {
			t.Errorf("document jobs %+v", k)
		}
		if len(o.Backups) != 1 || o.Backups[0].Name != "coopshop-20261122-023000.db" || !o.Backups[0].Nightly || o.Backups[0].Size != 6 {
			t.Errorf("backups %+v", o.Backups)
		}
		if o.Database.SizeBytes <= 0 || o.Pending != 0 || len(o.Migrations) < 25 || o.Migrations[0].AppliedAt == nil || o.Migrations[0].Version < 69 {
			t.Errorf("database %+v, %d migrations, %d pending, newest %+v", o.Database, len(o.Migrations), o.Pending, o.Migrations[0])
		}

		// Nobody else reads it or retries.
		for _, email := range []string{"revision@kid.example", "finanzen@kid.example", "kaemmerei@boerde.example"} {
			p := principal(t, bdb, accounts, email)
			if _, err := s.Overview(ctx, p); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s read the overview: %v", email, err)
			}
			if _, err := s.Retry(ctx, p, failed, 10); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s retried: %v", email, err)
			}
		}

		// A stale view, a job that is not waiting and an unknown one.
		if _, err := s.Retry(ctx, admin, failed, 9); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale retry: %v", err)
		}
		if _, err := s.Retry(ctx, admin, sent, 1); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("retry of a sent mail: %v", err)
		}
		if _, err := s.Retry(ctx, admin, 999999, 0); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("retry of an unknown job: %v", err)
		}

		j, err := s.Retry(ctx, admin, failed, 10)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != job.StatePending || j.MaxAttempts != 11 || j.RunAt == nil || !j.RunAt.Equal(now) {
			t.Fatalf("retried job %+v", j)
		}
		if _, err := s.Retry(ctx, admin, failed, 10); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second retry of a pending job: %v", err)
		}
		w, err := s.Retry(ctx, admin, waiting, 2)
		if err != nil || !w.RunAt.Equal(now) || w.MaxAttempts != job.DefaultMaxAttempts {
			t.Fatalf("retry of a backing-off job: %+v %v", w, err)
		}
		// The runner takes the failed one now and sends it.
		r := job.NewRunner(bdb, clk, nil)
		var got []int64
		r.Handle(notify.KindMail, func(_ context.Context, j *job.Job) error { got = append(got, j.ID); return nil })
		if _, err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("runner ran %v after the retries", got)
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "job"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[1].Action != "job.retry" || entries[1].EntityID != failed || entries[1].ActorEmail != "admin@kid.example" {
			t.Fatalf("audit %+v", entries)
		}
	})
}
