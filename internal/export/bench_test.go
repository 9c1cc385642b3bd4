package export_test

import (
	"context"
	"io"
	"os"
	"syscall"
	"testing"

	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/export"
	"coopshop/internal/webtest"
)

// BenchmarkExportCSV100k exports 100 000 invoices (two lines each, 19 %
// and 7 %) as CSV on PostgreSQL and reports the peak resident memory of
// the process (ru_maxrss), which must stay below 150 MB:
//
//	TEST_DATABASE_URL=postgres://… go test -run '^$' -bench BenchmarkExportCSV100k ./internal/export/
func BenchmarkExportCSV100k(b *testing.B) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("needs TEST_DATABASE_URL (PostgreSQL)")
	}
	ctx := context.Background()
	bdb := dbtest.Open(b, "postgres")
	a := webtest.New(b, bdb)
	if _, err := demo.SeedOn(ctx, bdb, calendar.MustParse("2026-11-22")); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO invoices (provider_id, organisation_id, kind, number, state, issue_date, due_date, payment_terms_days,
			leitweg_id, member_name, provider, net_cents, vat_cents, gross_cents, created_at, updated_at)
		 SELECT (SELECT id FROM organisations WHERE kind = 'provider' ORDER BY id LIMIT 1),
			(SELECT id FROM organisations WHERE kind <> 'provider' ORDER BY id LIMIT 1), 'invoice',
			'RB-2026-' || lpad(g::text, 6, '0'), 'issued', '2026-01-01'::date + (g % 365), '2026-12-31', 30,
			'15083-BENCH-1', 'Landkreis Börde', '{}', 20000, 2600, 22600, now(), now()
		 FROM generate_series(1, 100000) AS g`,
		`INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price_cents, vat_percent, net_cents)
		 SELECT id, 1, 'Thin Client', 1, 10000, 19, 10000 FROM invoices WHERE number LIKE 'RB-%'`,
		`INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price_cents, vat_percent, net_cents)
		 SELECT id, 2, 'Handbuch', 1, 10000, 7, 10000 FROM invoices WHERE number LIKE 'RB-%'`,
	} {
		if _, err := bdb.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var id int64
	if err := bdb.NewSelect().Table("users").Column("id").Where("email = ?", "finanzen@kid.example").Scan(ctx, &id); err != nil {
		b.Fatal(err)
	}
	fin, err := a.Accounts.Principal(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		job, err := a.Exports.Prepare(ctx, *fin, export.Request{Format: "csv", From: "2026-01-01", To: "2026-12-31"})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		job.Progress = func(c int) { n = c }
		if err := job.Run(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
		if n < 100000 {
			b.Fatalf("exported %d invoices", n)
		}
	}
	b.StopTimer()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB") // Linux: kilobytes
	if ru.Maxrss > 150*1024 {
		b.Errorf("peak memory %d MB, above 150 MB", ru.Maxrss/1024)
	}
}
