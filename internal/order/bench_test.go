package order_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/job"
	"coopshop/internal/notify"
	"coopshop/internal/order/ordertest"
)

// reportMedian adds the median of the measured durations as a metric;
// the targets of issue 4 are medians.
func reportMedian(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "ms-median")
}

// BenchmarkSubmit20LinesPG submits a cart of 20 contract lines (prices
// re-checked, 20 quota reservations, number, chain, audit, outbox) on
// PostgreSQL. Target: median below 20 ms.
//
//	go test -run '^$' -bench 'PG$' ./internal/order/
func BenchmarkSubmit20LinesPG(b *testing.B) {
	bdb := dbtest.Open(b, "postgres")
	ctx := context.Background()
	f := ordertest.Seed(b, bdb)
	buyer := f.P(b, "einkauf@boerde.example")
	items := map[string]int64{}
	for i := 1; i <= 20; i++ {
		items[fmt.Sprintf("T-ACC-%02d", i)] = 2
	}
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f.Fill(b, "einkauf@boerde.example", items)
		b.StartTimer()
		start := time.Now()
		o, _, err := f.Orders.Submit(ctx, buyer, ordertest.Header("Benchmark"))
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if len(o.Lines) != 20 {
			b.Fatalf("%d lines", len(o.Lines))
		}
	}
	reportMedian(b, took)
}

// BenchmarkApprovePG approves the one stage of small orders on
// PostgreSQL. Target: median below 10 ms.
func BenchmarkApprovePG(b *testing.B) {
	bdb := dbtest.Open(b, "postgres")
	ctx := context.Background()
	f := ordertest.Seed(b, bdb)
	approver := f.P(b, "genehmigung@boerde.example")
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		o := f.Submit(b, "einkauf@boerde.example", map[string]int64{"T-MON": 1, "T-NB": 1, "T-ACC-01": 3})
		b.StartTimer()
		start := time.Now()
		_, err := f.Orders.Approve(ctx, approver, o.ID, o.Version, "ok")
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportMedian(b, took)
}

// BenchmarkNotifySubmitLargeMember is the notification job of a submitted
// order in a member with 300 purchasers besides its approvers: who is to
// hear of the step is worked out among the holders of a role that may
// approve, not among all 300 (issue 15). SQLite, or PostgreSQL when
// TEST_DATABASE_URL is set.
//
//	go test -run '^$' -bench NotifySubmitLargeMember ./internal/order/
func BenchmarkNotifySubmitLargeMember(b *testing.B) {
	d := "sqlite"
	if os.Getenv("TEST_DATABASE_URL") != "" {
		d = "postgres"
	}
	bdb := dbtest.Open(b, d)
	ctx := context.Background()
	f := ordertest.Seed(b, bdb)
	for i := range 300 {
		u := &account.User{OrgID: f.Boerde, Email: fmt.Sprintf("einkauf-%03d@boerde.example", i), Name: fmt.Sprintf("Einkauf %03d", i), Active: true}
		if err := account.CreateUserWithHash(ctx, bdb, u, demo.PasswordHash()); err != nil {
			b.Fatal(err)
		}
		if err := authz.Grant(ctx, bdb, u.ID, f.Boerde, authz.RolePurchaser); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Authz.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	o := f.Submit(b, "einkauf@boerde.example", map[string]int64{"T-NB": 30})
	steps, err := job.ForEntity(ctx, bdb, notify.StepKind("order"), "order", o.ID, true)
	if err != nil || len(steps) != 1 {
		b.Fatalf("%d step jobs (%v)", len(steps), err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := f.Orders.NotifyJob(ctx, steps[0]); err != nil {
			b.Fatal(err)
		}
	}
}
