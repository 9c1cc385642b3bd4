package backup_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/backup"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/job"
	"coopshop/internal/order/ordertest"
)

// purchasers adds n purchasers of Börde and answers their principals.
func purchasers(t *testing.T, f *ordertest.Fixture, n int) []account.Principal {
	t.Helper()
	ctx := context.Background()
	out := make([]account.Principal, n)
	for i := range out {
		u := &account.User{OrgID: f.Boerde, Email: fmt.Sprintf("einkauf-bk%d@boerde.example", i), Name: fmt.Sprintf("Einkauf %d", i),
			PasswordHash: "-", Active: true, Version: 1, CreatedAt: time.Now()}
		if _, err := f.DB.NewInsert().Model(u).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := authz.Grant(ctx, f.DB, u.ID, f.Boerde, authz.RolePurchaser); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Authz.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		out[i] = f.P(t, fmt.Sprintf("einkauf-bk%d@boerde.example", i))
	}
	return out
}

// TestBackupWhileOrdersArrive: four purchasers submit orders without a
// pause while the backup runs on SQLite. Restored into an empty file, the
// copy holds every order acknowledged before the backup started, only
// orders that were acknowledged at all, each with its line, numbered
// without a gap; integrity_check is ok and the manifest matches.
func TestBackupWhileOrdersArrive(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	ctx := context.Background()
	f := ordertest.Seed(t, bdb)
	buyers := purchasers(t, f, 4)
	acc := f.Products["T-ACC-01"].ID

	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		errs  []error
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	ackedCount := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for _, p := range buyers {
		wg.Add(1)
		go func(p account.Principal) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := f.Carts.Set(ctx, p, acc, 1); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				o, _, err := f.Orders.Submit(ctx, p, ordertest.Header("Sicherung im Betrieb"))
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					acked[o.Number] = true
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}(p)
	}
	waitFor := func(n int) {
		deadline := time.Now().Add(60 * time.Second)
		for ackedCount() < n && time.Now().Before(deadline) {
			mu.Lock()
			failed := len(errs) > 0
			mu.Unlock()
			if failed {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(12)
	mu.Lock()
	before := make([]string, 0, len(acked))
	for n := range acked {
		before = append(before, n)
	}
	mu.Unlock()
	file := filepath.Join(t.TempDir(), "sicherung.db")
	m, err := backup.Create(ctx, bdb, file, time.Now())
	if err != nil {
		close(stop)
		wg.Wait()
		t.Fatalf("backup: %v", err)
	}
	waitFor(len(before) + 12) // orders keep arriving after the copy
	close(stop)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d submissions failed, first: %v", len(errs), errs[0])
	}
	if ackedCount() <= len(before) {
		t.Fatalf("no order arrived during or after the backup (%d before)", len(before))
	}

	target := "sqlite://" + filepath.Join(t.TempDir(), "neu", "coopshop.db")
	got, err := backup.Restore(ctx, target, file)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if got.Count("orders") != m.Count("orders") || got.NewestAudit == nil {
		t.Fatalf("restore answered manifest %+v, backup wrote %+v", got, m)
	}
	rdb, err := db.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var check []string
	if err := rdb.NewRaw("PRAGMA integrity_check").Scan(ctx, &check); err != nil || len(check) != 1 || check[0] != "ok" {
		t.Fatalf("integrity_check: %v %v", check, err)
	}
	var rows []struct {
		Number string
		Lines  int
	}
	if err := rdb.NewRaw(`SELECT o.number, (SELECT count(*) FROM order_lines AS l WHERE l.order_id = o.id) AS lines FROM orders AS o ORDER BY o.number`).
		Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	restored := map[string]bool{}
	var seq []int
	for _, r := range rows {
		restored[r.Number] = true
		if r.Lines != 1 {
			t.Errorf("%s restored with %d lines", r.Number, r.Lines)
		}
		if !acked[r.Number] {
			t.Errorf("%s is in the backup but was never acknowledged", r.Number)
		}
		n, err := strconv.Atoi(r.Number[strings.LastIndex(r.Number, "-")+1:])
		if err != nil {
			t.Fatalf("number %q", r.Number)
		}
		seq = append(seq, n)
	}
	for _, n := range before {
		if !restored[n] {
			t.Errorf("acknowledged order %s is missing from the backup", n)
		}
	}
	slices.Sort(seq)
	for i, n := range seq {
		if n != i+1 {
			t.Fatalf("numbers not gapless: %v", seq)
		}
	}
	if int64(len(rows)) != m.Count("orders") || len(rows) < len(before) {
		t.Fatalf("%d orders restored, manifest %d, %d acknowledged before", len(rows), m.Count("orders"), len(before))
	}
	t.Logf("%d orders acknowledged before the backup, %d in it, %d in all", len(before), len(rows), ackedCount())
}

// seeded is a migrated SQLite database with the demo data and one order,
// and the backup of it.
func seeded(t *testing.T) (*bun.DB, string) {
	t.Helper()
	bdb := dbtest.Open(t, "sqlite")
	f := ordertest.Seed(t, bdb)
	f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
	file := filepath.Join(t.TempDir(), "b.db")
	if _, err := backup.Create(context.Background(), bdb, file, time.Now()); err != nil {
		t.Fatal(err)
	}
	return bdb, file
}

// TestRestoreRefuses: a database that is not empty is never restored
// into; a backup that was tampered with, a damaged file and a database
// that is no backup are refused before anything is written; a backup
// never overwrites a file.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	bdb, file := seeded(t)
	dir := t.TempDir()
	// The backup is one file, readable by its owner only.
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", st, err)
	}
	for _, side := range []string{"-wal", "-shm", "-journal", ".partial"} {
		if _, err := os.Stat(file + side); !os.IsNotExist(err) {
			t.Errorf("%s left beside the backup (%v)", side, err)
		}
	}

	// A migrated (non-empty) target stays as it was.
	full := filepath.Join(dir, "voll.db")
	fdb, err := db.Open(ctx, "sqlite://"+full)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	_, err = backup.Restore(ctx, "sqlite://"+full, file)
	if apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(err.Error(), "nicht leer") {
		t.Fatalf("restore into a non-empty database: %v", err)
	}

	// An empty file is fine.
	empty := filepath.Join(dir, "leer.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Restore(ctx, "sqlite://"+empty, file); err != nil {
		t.Fatalf("restore into an empty file: %v", err)
	}

	// A copy with a row less than its manifest says is incomplete.
	tampered := filepath.Join(dir, "manipuliert.db")
	b, _ := os.ReadFile(file)
	os.WriteFile(tampered, b, 0o600)
	tdb, err := db.Open(ctx, "sqlite://"+tampered)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tdb.ExecContext(ctx, "DELETE FROM order_lines"); err != nil {
		t.Fatal(err)
	}
	tdb.Close()
	target := filepath.Join(dir, "ziel.db")
	if _, err := backup.Restore(ctx, "sqlite://"+target, tampered); err == nil || !strings.Contains(err.Error(), "order_lines: 0 Zeilen statt 1") {
		t.Fatalf("restore of a tampered copy: %v", err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Fatalf("a refused restore left %s behind (%v)", target, err)
	}

	// A truncated copy is no database any more.
	truncated := filepath.Join(dir, "kaputt.db")
	os.WriteFile(truncated, b[:len(b)/2], 0o600)
	if _, err := backup.Restore(ctx, "sqlite://"+target, truncated); err == nil {
		t.Fatal("restore of a truncated copy succeeded")
	}

	// The live database itself is no backup (no manifest).
	if _, err := backup.Restore(ctx, "sqlite://"+target, filepath.Join(t.TempDir(), "fehlt.db")); err == nil {
		t.Fatal("restore of a missing file succeeded")
	}
	plain := filepath.Join(dir, "ohne-manifest.db")
	pdb, _ := db.Open(ctx, "sqlite://"+plain)
	pdb.ExecContext(ctx, "CREATE TABLE backup_manifest (id INTEGER PRIMARY KEY, taken_at TIMESTAMP, manifest TEXT)")
	pdb.Close()
	if _, err := backup.Restore(ctx, "sqlite://"+target, plain); err == nil || !strings.Contains(err.Error(), "keine coopshop-Sicherung") {
		t.Fatalf("restore of a database without manifest: %v", err)
	}

	if _, err := backup.Create(ctx, bdb, file, time.Now()); err == nil || !strings.Contains(err.Error(), "gibt es schon") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	if _, err := backup.Restore(ctx, "postgres://x@localhost/db", file); err != backup.ErrPostgres {
		t.Fatalf("restore to PostgreSQL: %v", err)
	}
}

// TestBackupOnPostgres: the command says to use pg_dump.
func TestBackupOnPostgres(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	_, err := backup.Create(context.Background(), bdb, filepath.Join(t.TempDir(), "x.db"), time.Now())
	if err != backup.ErrPostgres || !strings.Contains(apperr.MessageOf(err), "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
	n := &backup.Nightly{DB: bdb, Dir: t.TempDir(), Keep: 7}
	if n.Enabled() {
		t.Fatal("nightly backup enabled on PostgreSQL")
	}
}

// TestNightly: the job is due at 02:30 Berlin; each run writes a copy,
// schedules the next night and keeps the newest Keep copies of its own
// (a copy put there by hand stays).
func TestNightly(t *testing.T) {
	ctx := context.Background()
	bdb := dbtest.Open(t, "sqlite")
	ordertest.Seed(t, bdb)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "vor-dem-update.db"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// 22.11.2026, 10:00 in Berlin: the next copy is due tomorrow night.
	clk := clock.NewManual(time.Date(2026, 11, 22, 10, 0, 0, 0, calendar.Berlin))
	n := &backup.Nightly{DB: bdb, Dir: dir, Keep: 2, Clock: clk, Log: ordertest.Quiet()}
	r := job.NewRunner(bdb, clk, ordertest.Quiet())
	n.Register(r)
	if err := n.Schedule(ctx); err != nil {
		t.Fatal(err)
	}
	if err := n.Schedule(ctx); err != nil { // a second process starting
		t.Fatal(err)
	}
	var jobs []*job.Job
	if err := bdb.NewSelect().Model(&jobs).Where("kind = ?", backup.KindNightly).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || !jobs[0].RunAt.Equal(time.Date(2026, 11, 23, 2, 30, 0, 0, calendar.Berlin)) {
		t.Fatalf("scheduled %d jobs, first at %v", len(jobs), jobs[0].RunAt)
	}
	for night := 0; night < 3; night++ {
		if ran, _ := r.Drain(ctx); ran != 0 {
			t.Fatalf("night %d: a job ran before it was due", night)
		}
		clk.Set(time.Date(2026, 11, 23+night, 2, 31, 0, 0, calendar.Berlin))
		if ran, err := r.Drain(ctx); err != nil || ran != 1 {
			t.Fatalf("night %d: ran %d jobs: %v", night, ran, err)
		}
	}
	files, err := backup.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
		if f.Nightly && f.Size == 0 {
			t.Errorf("%s is empty", f.Name)
		}
	}
	slices.Sort(names)
	want := []string{"coopshop-20261124-023100.db", "coopshop-20261125-023100.db", "vor-dem-update.db"}
	if !slices.Equal(names, want) {
		t.Fatalf("backups %v, want %v", names, want)
	}
	if _, err := backup.Verify(ctx, filepath.Join(dir, want[1])); err != nil {
		t.Fatalf("nightly copy: %v", err)
	}
	var pending int
	if err := bdb.NewRaw("SELECT count(*) FROM jobs WHERE kind = ? AND state = 'pending'", backup.KindNightly).Scan(ctx, &pending); err != nil || pending != 1 {
		t.Fatalf("%d nightly jobs pending (%v)", pending, err)
	}
}
