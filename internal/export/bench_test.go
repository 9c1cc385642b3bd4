package export_test

import (
	"context"
	"encoding/json"
	"os"
	"syscall"
	"testing"

	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
	"coopshop/internal/webtest"
)

// BenchmarkExportCSV100k exports 100 000 invoices (19 % and 7 % lines) of
// one year as CSV from PostgreSQL and reports the peak memory.
func BenchmarkExportCSV100k(b *testing.B) { benchmarkExport100k(b, "csv") }

// BenchmarkExportXRechnung100k is the same as a zip of 100 000 XRechnung
// documents, each built and validated (EN 16931, BR-DE) on the way.
func BenchmarkExportXRechnung100k(b *testing.B) { benchmarkExport100k(b, "xrechnung") }

func benchmarkExport100k(b *testing.B, format string) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("needs TEST_DATABASE_URL (PostgreSQL)")
	}
	ctx := context.Background()
	bdb := dbtest.Open(b, "postgres")
	a := webtest.New(b, bdb)
	if _, err := demo.SeedOn(ctx, bdb, calendar.MustParse("2026-11-22")); err != nil {
		b.Fatal(err)
	}
	provider, err := json.Marshal(invoice.Provider{
		LegalName: "KID Magdeburg GmbH", Street: "Alter Markt 6", Zip: "39104", City: "Magdeburg",
		VATID: "DE814273915", TaxNumber: "102/108/01234", IBAN: "DE02120300000000202051", BIC: "BYLADEM1001",
		BankName: "Deutsche Kreditbank Berlin", ContactName: "Frieda Fuchs", ContactPhone: "0391 540-2210",
		ContactEmail: "rechnung@kid.example", EInvoiceAddress: "erechnung@kid.example",
	})
	if err != nil {
		b.Fatal(err)
	}
	for i, q := range []string{
		`INSERT INTO invoices (provider_id, organisation_id, kind, number, state, issue_date, due_date, service_date, payment_terms_days,
			leitweg_id, member_name, member_street, member_zip, member_city, provider, net_cents, vat_cents, gross_cents, created_at, updated_at)
		 SELECT (SELECT id FROM organisations WHERE kind = 'provider' ORDER BY id LIMIT 1),
			(SELECT id FROM organisations WHERE kind <> 'provider' ORDER BY id LIMIT 1), 'invoice',
			'RB-2026-' || lpad(g::text, 6, '0'), 'issued', '2026-01-01'::date + (g % 365), '2026-12-31', '2026-01-01'::date + (g % 365), 30,
			'15083-BENCH-1', 'Landkreis Börde', 'Gerikestraße 104', '39340', 'Haldensleben', ?, 20000, 2600, 22600, now(), now()
		 FROM generate_series(1, 100000) AS g`,
		`INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit, unit_price_cents, vat_percent, net_cents)
		 SELECT id, 1, 'Thin Client', 1, 'Stück', 10000, 19, 10000 FROM invoices WHERE number LIKE 'RB-%'`,
		`INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit, unit_price_cents, vat_percent, net_cents)
		 SELECT id, 2, 'Handbuch', 1, 'Stück', 10000, 7, 10000 FROM invoices WHERE number LIKE 'RB-%'`,
	} {
		var args []any
		if i == 0 {
			args = append(args, string(provider))
		}
		if _, err := bdb.ExecContext(ctx, q, args...); err != nil {
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
		job, err := a.Exports.Prepare(ctx, *fin, export.Request{Format: format, From: "2026-01-01", To: "2026-12-31"})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		job.Progress = func(c int) { n = c }
		var out countingWriter
		if err := job.Run(ctx, &out); err != nil {
			b.Fatal(err)
		}
		if n < 100000 {
			b.Fatalf("exported %d invoices", n)
		}
		b.ReportMetric(float64(out)/(1<<20), "out-MB")
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

// countingWriter discards what is written and counts the bytes.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
