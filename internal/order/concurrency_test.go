package order_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
	"coopshop/internal/idempotency"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// TestConcurrentApprovalPG: 20 approvals of the same stage at once, all
// with the version they saw: exactly one wins, 19 get a conflict.
func TestConcurrentApprovalPG(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := ordertest.Seed(t, bdb)
	o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
	approvers := []account.Principal{f.P(t, "genehmigung@boerde.example"), f.P(t, "kaemmerei@boerde.example"), f.P(t, "amtsleitung@boerde.example")}
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
		}(approvers[i%len(approvers)])
	}
	close(start)
	wg.Wait()
	if ok != 1 || conflicts != n-1 || len(others) != 0 {
		t.Fatalf("%d ok, %d conflicts, others %v", ok, conflicts, others)
	}
	o, err := f.Orders.Get(ctx, approvers[0], o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != order.StateApproved || o.Version != 2 {
		t.Fatalf("state %s version %d", o.State, o.Version)
	}
	var decided int
	for _, s := range o.Stages {
		if s.State == order.StageApproved {
			decided++
		}
	}
	if decided != 1 {
		t.Fatalf("%d stages approved", decided)
	}
}

// TestConcurrentIdempotentSubmitPG: 50 purchasers, each with a full cart,
// submit four times at once with their own idempotency key: 200 calls, 50
// orders, every call answered with the order of its key.
func TestConcurrentIdempotentSubmitPG(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := ordertest.Seed(t, bdb)
	const buyers, perKey = 50, 4
	emails := make([]string, buyers)
	for i := range emails {
		emails[i] = fmt.Sprintf("einkauf%02d@boerde.example", i)
		// No password hashing: these users never log in.
		u := &account.User{OrgID: f.Boerde, Email: emails[i], Name: fmt.Sprintf("Einkauf %02d", i), PasswordHash: "-", Active: true, Version: 1, CreatedAt: time.Now()}
		if _, err := bdb.NewInsert().Model(u).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := authz.Grant(ctx, bdb, u.ID, f.Boerde, authz.RolePurchaser); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Authz.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	principals := make([]account.Principal, buyers)
	for i, e := range emails {
		f.Fill(t, e, map[string]int64{"T-MON": 1, "T-NB": 1})
		principals[i] = f.P(t, e)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		byKey = map[string]map[int64]int{}
		errs  []error
		start = make(chan struct{})
	)
	for i := 0; i < buyers*perKey; i++ {
		wg.Add(1)
		go func(b int) {
			defer wg.Done()
			<-start
			in := ordertest.Header("parallel")
			in.Idempotency = idempotency.Request{Key: fmt.Sprintf("key-%02d", b), Hash: "same"}
			o, _, err := f.Orders.Submit(ctx, principals[b], in)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if byKey[in.Idempotency.Key] == nil {
				byKey[in.Idempotency.Key] = map[int64]int{}
			}
			byKey[in.Idempotency.Key][o.ID]++
		}(i % buyers)
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d errors, first: %v", len(errs), errs[0])
	}
	if len(byKey) != buyers {
		t.Fatalf("%d keys answered, want %d", len(byKey), buyers)
	}
	for k, ids := range byKey {
		if len(ids) != 1 {
			t.Errorf("key %s answered with orders %v", k, ids)
		}
	}
	var count int
	if err := bdb.NewSelect().Table("orders").ColumnExpr("count(*)").Scan(ctx, &count); err != nil {
		t.Fatal(err)
	}
	if count != buyers {
		t.Fatalf("%d orders, want %d", count, buyers)
	}
	var numbers []string
	if err := bdb.NewSelect().Table("orders").Column("number").Scan(ctx, &numbers); err != nil {
		t.Fatal(err)
	}
	sort.Strings(numbers)
	year := time.Now().Year()
	for i, n := range numbers {
		if want := fmt.Sprintf("BA-%d-%06d", year, i+1); n != want {
			t.Fatalf("number %d is %s, want %s (gapless)", i, n, want)
		}
	}
	if u := f.Used(t, "T-NB"); u != buyers {
		t.Fatalf("notebook quota used %d, want %d", u, buyers)
	}
}
