package order_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/order/ordertest"
)

// setSubQuotas names member quotas on the fixture contract's line of sku.
func setSubQuotas(t *testing.T, f *ordertest.Fixture, sku string, quotas map[int64]int64) *catalog.ContractLine {
	t.Helper()
	ctx := context.Background()
	c, err := catalog.GetContract(ctx, f.DB, f.Contract.ID)
	if err != nil {
		t.Fatal(err)
	}
	var line *catalog.ContractLine
	for _, l := range c.Lines {
		if l.ProductID == f.Products[sku].ID {
			line = l
		}
	}
	var in []catalog.MemberQuotaInput
	for m, q := range quotas {
		in = append(in, catalog.MemberQuotaInput{MemberID: m, Quota: &q})
	}
	if _, err := catalog.SetMemberQuotas(ctx, f.DB, audit.Actor{}, c.ID, c.Version, line.ID, in); err != nil {
		t.Fatal(err)
	}
	return line
}

// TestMemberQuotaSubmitRacePG: 20 purchasers of Börde and 20 of
// Weißenfels submit a cart with one SSD each at the same moment; the line
// holds 10 in total and 6 per named member. Exactly 10 orders are
// submitted, no member gets more than its 6, the rest get a conflict.
func TestMemberQuotaSubmitRacePG(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := ordertest.Seed(t, bdb)
	line := setSubQuotas(t, f, "T-SSD", map[int64]int64{f.Boerde: 6, f.Weissen: 6})
	const per = 20
	var principals []account.Principal
	for _, m := range []struct {
		org  int64
		slug string
	}{{f.Boerde, "boerde"}, {f.Weissen, "weissenfels"}} {
		for i := 0; i < per; i++ {
			e := fmt.Sprintf("ssd%02d@%s.example", i, m.slug)
			u := &account.User{OrgID: m.org, Email: e, Name: e, PasswordHash: "-", Active: true, Version: 1, CreatedAt: time.Now()}
			if _, err := bdb.NewInsert().Model(u).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := authz.Grant(ctx, bdb, u.ID, m.org, authz.RolePurchaser); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Authz.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"boerde", "weissenfels"} {
		for i := 0; i < per; i++ {
			e := fmt.Sprintf("ssd%02d@%s.example", i, slug)
			f.Fill(t, e, map[string]int64{"T-SSD": 1})
			principals = append(principals, f.P(t, e))
		}
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		ok     = map[int64]int{}
		others []error
		start  = make(chan struct{})
	)
	for _, p := range principals {
		wg.Add(1)
		go func(p account.Principal) {
			defer wg.Done()
			<-start
			_, _, err := f.Orders.Submit(ctx, p, ordertest.Header("Wettlauf"))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok[p.User.OrgID]++
			case apperr.CodeOf(err) != apperr.Conflict:
				others = append(others, err)
			}
		}(p)
	}
	close(start)
	wg.Wait()
	if len(others) > 0 {
		t.Fatalf("%d unexpected errors, first: %v", len(others), others[0])
	}
	if ok[f.Boerde]+ok[f.Weissen] != 10 || ok[f.Boerde] > 6 || ok[f.Weissen] > 6 {
		t.Fatalf("submitted: Börde %d, Weißenfels %d; want 10 in all, at most 6 each", ok[f.Boerde], ok[f.Weissen])
	}
	var rows []struct {
		Org  int64  `bun:"organisation_id"`
		Used int64  `bun:"used"`
		Q    *int64 `bun:"quota"`
	}
	if err := bdb.NewSelect().Table("contract_line_usage").Column("organisation_id", "used", "quota").Where("contract_line_id = ?", line.ID).Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if int(r.Used) != ok[r.Org] || r.Q == nil || r.Used > *r.Q {
			t.Fatalf("usage of %d: %d of %v, submitted %d", r.Org, r.Used, r.Q, ok[r.Org])
		}
	}
	if used := f.Used(t, "T-SSD"); used != 10 {
		t.Fatalf("used_total %d, want 10", used)
	}
}

// TestQuotaNoticeMails: Börde's order passes 80 % of its named quota: the
// catalog manager and Börde's member admin get one mail each, nobody of
// Weißenfels and no purchaser; the total (4 of 10) stays quiet.
func TestQuotaNoticeMails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		setSubQuotas(t, f, "T-SSD", map[int64]int64{f.Boerde: 5})
		svc := catalog.NewService(bdb, f.Authz)
		svc.BaseURL = "https://shop.example"
		svc.Register(f.Jobs)
		f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 4})
		if _, err := f.Jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		mails, err := notify.ForEntity(ctx, bdb, "contract", f.Contract.ID)
		if err != nil {
			t.Fatal(err)
		}
		var to []string
		for _, m := range mails {
			to = append(to, m.To)
			if m.Event != "contract.quota_80" || !strings.Contains(m.Body, "Landkreis Börde") || !strings.Contains(m.Body, "4 von 5") ||
				!strings.Contains(m.Body, fmt.Sprintf("https://shop.example/contracts/%d", f.Contract.ID)) {
				t.Fatalf("mail %+v", m.Message)
			}
		}
		want := map[string]bool{"katalog@kid.example": true, "kaemmerei@boerde.example": true}
		if len(to) != len(want) {
			t.Fatalf("mails to %v, want %v", to, want)
		}
		for _, e := range to {
			if !want[e] {
				t.Fatalf("mails to %v, want %v", to, want)
			}
		}
	})
}

// TestCallOffReport: the call-off report per month, member and product,
// hand-checked: Börde 3 notebooks (3 × 849,00 = 2.547,00 €) and 2 monitors
// (2 × 150,00 = 300,00 €) this month, Weißenfels 1 notebook (849,00 €)
// moved to January 2026; a withdrawn order counts nothing. A member reads
// only its own rows; the CSV opens in Excel (BOM, semicolons, German
// decimals).
func TestCallOffReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		svc := catalog.NewService(bdb, f.Authz)
		f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 3, "T-MON": 2})
		w := f.Submit(t, "einkauf@weissenfels.example", map[string]int64{"T-NB": 1})
		gone := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 7})
		if _, err := f.Orders.Withdraw(ctx, f.P(t, "einkauf@boerde.example"), gone.ID, gone.Version, ""); err != nil {
			t.Fatal(err)
		}
		jan := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
		if _, err := bdb.NewUpdate().Table("orders").Set("submitted_at = ?", jan).Where("id = ?", w.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		month := calendar.Of(time.Now()).String()[:7]
		rep, err := svc.CallOffs(ctx, f.P(t, "katalog@kid.example"), f.Contract.ID, calendar.Date{}, calendar.Date{})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			month, member, sku string
			qty, net           int64
		}
		var got []row
		for _, r := range rep.Rows {
			got = append(got, row{r.Month, r.MemberName, r.SKU, r.Quantity, r.NetCents})
		}
		want := []row{
			{"2026-01", "Stadt Weißenfels", "T-NB", 1, 84900},
			{month, "Landkreis Börde", "T-MON", 2, 30000},
			{month, "Landkreis Börde", "T-NB", 3, 254700},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || rep.Quantity != 6 || rep.NetCents != 84900+30000+254700 {
			t.Fatalf("rows %v (sum %d, %d), want %v", got, rep.Quantity, rep.NetCents, want)
		}
		// The period: January only.
		rep, err = svc.CallOffs(ctx, f.P(t, "vertrieb@kid.example"), f.Contract.ID, calendar.MustParse("2026-01-01"), calendar.MustParse("2026-01-31"))
		if err != nil || len(rep.Rows) != 1 || rep.Rows[0].MemberName != "Stadt Weißenfels" {
			t.Fatalf("January: %v %+v", err, rep)
		}
		// A member: its own rows only.
		rep, err = svc.CallOffs(ctx, f.P(t, "einkauf@weissenfels.example"), f.Contract.ID, calendar.Date{}, calendar.Date{})
		if err != nil || len(rep.Rows) != 1 || rep.Rows[0].MemberID != f.Weissen {
			t.Fatalf("Weißenfels: %v %+v", err, rep)
		}
		if _, err := svc.CallOffs(ctx, f.P(t, "finanzen@kid.example"), f.Contract.ID, calendar.Date{}, calendar.Date{}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("finance: %v", err)
		}
		var buf bytes.Buffer
		if err := catalog.WriteCallOffsCSV(&buf, want2rows(f, month)); err != nil {
			t.Fatal(err)
		}
		wantCSV := "\ufeffMonat;Mitglied;Artikelnummer;Produkt;Menge;Betrag netto (EUR)\r\n" +
			month + ";Landkreis Börde;T-NB;\"Test-Notebook 14\"\"\";3;2547,00\r\n"
		if buf.String() != wantCSV {
			t.Fatalf("CSV\n%q\nwant\n%q", buf.String(), wantCSV)
		}
	})
}

func want2rows(f *ordertest.Fixture, month string) []catalog.CallOff {
	return []catalog.CallOff{{Month: month, MemberID: f.Boerde, MemberName: "Landkreis Börde", SKU: "T-NB", Name: "Test-Notebook 14\"", Quantity: 3, NetCents: 254700}}
}
