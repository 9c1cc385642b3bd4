package catalog_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/job"
)

// pooled adds a pooled contract to the fixture: TC-1 at 300 € with a total
// of total and the named member quotas given (Börde, Weißenfels; nil: none).
func pooled(t *testing.T, bdb *bun.DB, f fixture, total int64, boerde, weissen *int64) (*catalog.Contract, *catalog.ContractLine) {
	t.Helper()
	ctx := context.Background()
	c := &catalog.Contract{Number: "RV-POOL", Title: "Thin Clients gepoolt", ValidFrom: calendar.MustParse("2026-01-01"), ValidTo: calendar.MustParse("2026-12-31"),
		Active: true, Members: []int64{f.boerde, f.weissen},
		Lines: []*catalog.ContractLine{{ProductID: f.products["TC-1"].ID, PriceCents: 30000, QuotaTotal: ptr(total)}}}
	if err := catalog.CreateContract(ctx, bdb, c); err != nil {
		t.Fatal(err)
	}
	var in []catalog.MemberQuotaInput
	if boerde != nil {
		in = append(in, catalog.MemberQuotaInput{MemberID: f.boerde, Quota: boerde})
	}
	if weissen != nil {
		in = append(in, catalog.MemberQuotaInput{MemberID: f.weissen, Quota: weissen})
	}
	got, err := catalog.SetMemberQuotas(ctx, bdb, audit.Actor{}, c.ID, c.Version, c.Lines[0].ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return got, got.Lines[0]
}

func usage(t *testing.T, bdb *bun.DB, lineID, memberID int64) int64 {
	t.Helper()
	var used int64
	err := bdb.NewSelect().Table("contract_line_usage").ColumnExpr("COALESCE(SUM(used), 0)").
		Where("contract_line_id = ? AND (? = 0 OR organisation_id = ?)", lineID, memberID, memberID).Scan(context.Background(), &used)
	if err != nil {
		t.Fatal(err)
	}
	return used
}

// TestMemberQuotaRace: two members race for a pooled line, 40 goroutines
// each, one unit per transaction. Neither member ever gets more than its
// named quota, and together never more than the total: with sub-quotas
// of 12 + 12 over a total of 20 exactly 20 win; with 6 + 5 over 20 exactly
// 11 win, 6 of Börde's and 5 of Weißenfels'.
func TestMemberQuotaRace(t *testing.T) {
	cases := []struct {
		name                 string
		total, boerde, weiss int64
		wantOK               int
	}{
		{"the total binds", 20, 12, 12, 20},
		{"the sub-quotas bind", 20, 6, 5, 11},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
				ctx := context.Background()
				f := newFixture(t, bdb)
				_, line := pooled(t, bdb, f, tc.total, ptr(tc.boerde), ptr(tc.weiss))
				const racers = 80
				var (
					wg    sync.WaitGroup
					mu    sync.Mutex
					ok    int
					other []error
					start = make(chan struct{})
				)
				for i := 0; i < racers; i++ {
					member := f.weissen
					if i%2 == 0 {
						member = f.boerde
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
							return catalog.Reserve(ctx, tx, line.ID, member, 1)
						})
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							ok++
						case apperr.CodeOf(err) != apperr.Conflict:
							other = append(other, err)
						}
					}()
				}
				close(start)
				wg.Wait()
				if len(other) > 0 {
					t.Fatalf("unexpected errors: %v", other[0])
				}
				b, w := usage(t, bdb, line.ID, f.boerde), usage(t, bdb, line.ID, f.weissen)
				var total int64
				if err := bdb.NewSelect().Table("contract_lines").Column("used_total").Where("id = ?", line.ID).Scan(ctx, &total); err != nil {
					t.Fatal(err)
				}
				if ok != tc.wantOK || total != int64(tc.wantOK) || b+w != total || b > tc.boerde || w > tc.weiss {
					t.Fatalf("ok %d, used total %d, Börde %d (quota %d), Weißenfels %d (quota %d); want %d ok",
						ok, total, b, tc.boerde, w, tc.weiss, tc.wantOK)
				}
			})
		})
	}
}

// A member without a named quota orders against the total only; the
// named member is capped by its own; prices show each member its own
// remainder.
func TestMemberQuotaUnnamedOrdersAgainstTotal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		_, line := pooled(t, bdb, f, 50, ptr(10), nil)
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 11); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("Börde over its 10: %v", err)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 4); err != nil {
			t.Fatal(err)
		}
		on := calendar.MustParse("2026-06-01")
		pb, err := catalog.Resolve(ctx, bdb, f.boerde, f.products["TC-1"].ID, on, 0)
		if err != nil {
			t.Fatal(err)
		}
		if pb.QuotaPerMember == nil || *pb.QuotaPerMember != 10 || *pb.RemainingMember != 6 || *pb.RemainingTotal != 46 {
			t.Fatalf("Börde's price: quota %v remaining %v", pb.QuotaPerMember, pb.RemainingMember)
		}
		pw, err := catalog.Resolve(ctx, bdb, f.weissen, f.products["TC-1"].ID, on, 0)
		if err != nil {
			t.Fatal(err)
		}
		if pw.QuotaPerMember != nil || pw.RemainingMember != nil || *pw.RemainingTotal != 46 {
			t.Fatalf("Weißenfels' price: quota %v remaining %v", pw.QuotaPerMember, pw.RemainingMember)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 6); err != nil {
			t.Fatal(err)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.weissen, 40); err != nil {
			t.Fatalf("Weißenfels against the total: %v", err)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.weissen, 1); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("Weißenfels over the total: %v", err)
		}
		c, err := catalog.VisibleContract(ctx, bdb, catalog.Viewer{MemberID: f.weissen}, line.ContractID, on)
		if err != nil {
			t.Fatal(err)
		}
		if l := c.Lines[0]; len(l.MemberQuotas) != 0 || l.RemainingMember() != nil {
			t.Fatalf("Weißenfels sees member quotas %v, remaining %v", l.MemberQuotas, l.RemainingMember())
		}
		c, err = catalog.VisibleContract(ctx, bdb, catalog.Viewer{MemberID: f.boerde}, line.ContractID, on)
		if err != nil {
			t.Fatal(err)
		}
		if l := c.Lines[0]; len(l.MemberQuotas) != 1 || l.MemberQuotas[0].MemberID != f.boerde || *l.RemainingMember() != 0 {
			t.Fatalf("Börde sees %+v", l.MemberQuotas)
		}
	})
}

// TestTransferQuota: the rules of moving quota between members.
func TestTransferQuota(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		c, line := pooled(t, bdb, f, 100, ptr(40), ptr(25))
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 30); err != nil {
			t.Fatal(err)
		}
		third := &account.Organisation{Kind: "member", Name: "Stadt Wolmirstedt"}
		if err := account.CreateOrganisation(ctx, bdb, third); err != nil {
			t.Fatal(err)
		}
		v := c.Version
		tests := []struct {
			name     string
			tr       catalog.Transfer
			want     apperr.Code
			field    string
			wantB    int64
			wantW    int64
			bumpsVer bool
		}{
			{"more than unused", catalog.Transfer{Version: v, FromMemberID: f.boerde, ToMemberID: f.weissen, Quantity: 11}, apperr.Invalid, "quantity", 40, 25, false},
			{"stale version", catalog.Transfer{Version: v - 1, FromMemberID: f.boerde, ToMemberID: f.weissen, Quantity: 1}, apperr.Conflict, "", 40, 25, false},
			{"no version", catalog.Transfer{FromMemberID: f.boerde, ToMemberID: f.weissen, Quantity: 1}, apperr.Invalid, "version", 40, 25, false},
			{"zero", catalog.Transfer{Version: v, FromMemberID: f.boerde, ToMemberID: f.weissen}, apperr.Invalid, "quantity", 40, 25, false},
			{"to itself", catalog.Transfer{Version: v, FromMemberID: f.boerde, ToMemberID: f.boerde, Quantity: 1}, apperr.Invalid, "to_member_id", 40, 25, false},
			{"to a member without a named quota", catalog.Transfer{Version: v, FromMemberID: f.boerde, ToMemberID: third.ID, Quantity: 1}, apperr.Invalid, "to_member_id", 40, 25, false},
			{"all that is unused", catalog.Transfer{Version: v, FromMemberID: f.boerde, ToMemberID: f.weissen, Quantity: 10}, "", "", 30, 35, true},
			{"and back", catalog.Transfer{Version: v + 1, FromMemberID: f.weissen, ToMemberID: f.boerde, Quantity: 35}, "", "", 65, 0, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := catalog.TransferQuota(ctx, bdb, audit.Actor{}, c.ID, line.ID, tt.tr)
				if apperr.CodeOf(err) != tt.want && !(tt.want == "" && err == nil) {
					t.Fatalf("TransferQuota = %v, want %s", err, tt.want)
				}
				if tt.field != "" {
					var ae *apperr.Error
					if !asAppErr(err, &ae) || len(ae.Fields) == 0 || ae.Fields[0].Field != tt.field {
						t.Fatalf("error %v, want field %s", err, tt.field)
					}
				}
				if err == nil && got.Version != tt.tr.Version+1 {
					t.Fatalf("version %d after a transfer at %d", got.Version, tt.tr.Version)
				}
				cur, err := catalog.VisibleContract(ctx, bdb, catalog.Viewer{}, c.ID, calendar.Date{})
				if err != nil {
					t.Fatal(err)
				}
				q := map[int64]int64{}
				for _, m := range cur.Lines[0].MemberQuotas {
					q[m.MemberID] = m.Quota
				}
				if q[f.boerde] != tt.wantB || q[f.weissen] != tt.wantW {
					t.Fatalf("quotas %v, want Börde %d, Weißenfels %d", q, tt.wantB, tt.wantW)
				}
			})
		}
		var n int
		if err := bdb.NewSelect().Table("audit_log").ColumnExpr("count(*)").Where("action = 'contract.quota_transfer' AND entity_id = ?", c.ID).Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("%d transfer audit entries, want 2", n)
		}
		// A named quota below what was ordered is refused.
		_, err := catalog.SetMemberQuotas(ctx, bdb, audit.Actor{}, c.ID, v+2, line.ID, []catalog.MemberQuotaInput{{MemberID: f.boerde, Quota: ptr(29)}})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("quota below usage: %v", err)
		}
	})
}

// TestQuotaWatch: a notice when a quota passes 80 %, once; again at 100 %;
// after usage fell below 80 % and passes it anew, once more. The total and
// the member's quota are watched each on its own.
func TestQuotaWatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		_, line := pooled(t, bdb, f, 100, ptr(10), nil)
		notices := func() []catalog.QuotaNotice {
			t.Helper()
			js, err := job.ForEntity(ctx, bdb, catalog.KindQuotaNotice, "contract_line", line.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			out := make([]catalog.QuotaNotice, len(js))
			for i, j := range js {
				if err := j.Decode(&out[i]); err != nil {
					t.Fatal(err)
				}
			}
			return out
		}
		steps := []struct {
			name    string
			member  int64
			delta   int64 // > 0 reserve, < 0 release
			want    int   // notices in all so far
			lastLvl int
		}{
			{"70 % of Börde's", f.boerde, 7, 0, 0},
			{"80 % of Börde's", f.boerde, 1, 1, 80},
			{"90 %: nothing new", f.boerde, 1, 1, 80},
			{"back to 70 %", f.boerde, -2, 1, 80},
			{"80 % anew", f.boerde, 1, 2, 80},
			{"100 %", f.boerde, 2, 3, 100},
			{"Weißenfels to 80 % of the total", f.weissen, 70, 4, 80},
		}
		for _, s := range steps {
			var err error
			if s.delta > 0 {
				err = catalog.Reserve(ctx, bdb, line.ID, s.member, s.delta)
			} else {
				err = catalog.Release(ctx, bdb, line.ID, s.member, -s.delta)
			}
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			ns := notices()
			if len(ns) != s.want {
				t.Fatalf("%s: %d notices %+v, want %d", s.name, len(ns), ns, s.want)
			}
			if s.want > 0 && ns[len(ns)-1].Level != s.lastLvl {
				t.Fatalf("%s: last notice %+v, want level %d", s.name, ns[len(ns)-1], s.lastLvl)
			}
		}
		ns := notices()
		if ns[0].MemberID != f.boerde || ns[0].Used != 8 || ns[0].Quota != 10 || ns[3].MemberID != 0 || ns[3].Used != 80 {
			t.Fatalf("notices %+v", ns)
		}
	})
}

func asAppErr(err error, target **apperr.Error) bool {
	e, ok := err.(*apperr.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestTransferRacesOrders: on PostgreSQL, Börde's purchasers reserve units
// while the catalog manager moves Börde's unused quota to Weißenfels, one
// unit at a time, all at once. Whatever the interleaving, Börde never has
// more reserved than its named quota, and the named quotas still add up
// to what they were.
func TestTransferRacesOrders(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := newFixture(t, bdb)
	c, line := pooled(t, bdb, f, 100, ptr(20), ptr(25))
	const n = 30
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		other []error
		start = make(chan struct{})
	)
	record := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil && apperr.CodeOf(err) != apperr.Conflict && apperr.CodeOf(err) != apperr.Invalid {
			other = append(other, err)
		}
	}
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			record(bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				return catalog.Reserve(ctx, tx, line.ID, f.boerde, 1)
			}))
		}()
		go func() {
			defer wg.Done()
			<-start
			// A manager retries with the version they see now.
			for try := 0; try < 20; try++ {
				cur, err := catalog.GetContract(ctx, bdb, c.ID)
				if err != nil {
					record(err)
					return
				}
				_, err = catalog.TransferQuota(ctx, bdb, audit.Actor{}, c.ID, line.ID,
					catalog.Transfer{Version: cur.Version, FromMemberID: f.boerde, ToMemberID: f.weissen, Quantity: 1})
				if apperr.CodeOf(err) != apperr.Conflict {
					record(err)
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(other) > 0 {
		t.Fatalf("unexpected errors: %v", other[0])
	}
	var rows []struct {
		Org   int64 `bun:"organisation_id"`
		Used  int64 `bun:"used"`
		Quota int64 `bun:"quota"`
	}
	if err := bdb.NewSelect().Table("contract_line_usage").Column("organisation_id", "used", "quota").
		Where("contract_line_id = ?", line.ID).Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	sum := int64(0)
	for _, r := range rows {
		sum += r.Quota
		if r.Used > r.Quota {
			t.Fatalf("member %d: %d reserved of a quota of %d", r.Org, r.Used, r.Quota)
		}
	}
	if sum != 45 {
		t.Fatalf("named quotas add up to %d, want 45: %+v", sum, rows)
	}
	t.Logf("after the race: %+v", rows)
}
