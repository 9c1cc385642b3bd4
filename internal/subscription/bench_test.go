package subscription_test

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/subscription"
)

// BenchmarkBillingRun10k bills one month of 10 000 subscriptions (1 000
// members with 10 rentals each) on PostgreSQL per iteration, each
// iteration a new month; it reports invoices per second and the process's
// peak memory (ru_maxrss).
//
//	TEST_DATABASE_URL=postgres://… go test -run '^$' -bench BillingRun10k -benchtime 1x ./internal/subscription/
func BenchmarkBillingRun10k(b *testing.B) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("needs TEST_DATABASE_URL (PostgreSQL)")
	}
	ctx := context.Background()
	bdb := dbtest.Open(b, "postgres")
	f := setup(b, bdb, calendar.MustParse("2030-01-15"))
	members := manyMembers(b, f, 1000, 10)
	finance := f.P(b, "finanzen@kid.example")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		month := subscription.MonthOf(calendar.MustParse("2026-01-01").AddMonths(i)).String()
		res, err := f.subs.BillingRun(ctx, finance, month)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Invoices) != len(members) {
			b.Fatalf("%s: %d invoices, want %d", month, len(res.Invoices), len(members))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(members)*b.N)/b.Elapsed().Seconds(), "invoices/s")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB") // Linux: kilobytes
	fmt.Fprintf(os.Stderr, "billing run: %d subscriptions, %d members, %v per run, peak RSS %d MB\n", 10*len(members), len(members), b.Elapsed()/time.Duration(b.N), ru.Maxrss/1024)
}
