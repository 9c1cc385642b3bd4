package ui_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/webtest"
)

// TestOrderListSearchAndCSV: orders are found by a part of their number,
// by cost centre and by day of submission, and the list downloads as CSV
// whose text cells cannot run as spreadsheet formulas (issue 13).
func TestOrderListSearchAndCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		ctx := context.Background()
		var o order.Order
		if err := bdb.NewSelect().Model(&o).Where("number = ?", "BA-2026-000003").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		// A cost centre someone typed as a formula.
		if _, err := bdb.NewUpdate().Model((*order.Order)(nil)).Set("cost_centre = ?", "=HYPERLINK(\"http://x\")").Where("id = ?", o.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		c := webtest.NewClient(t, a)
		c.Login("kaemmerei@boerde.example")
		rows := regexp.MustCompile(`<a href="/orders/\d+">(BA-[0-9-]+)</a>`)
		numbers := func(path string) []string {
			t.Helper()
			res := c.Get(path)
			wantStatus(t, res, 200)
			var out []string
			for _, m := range rows.FindAllStringSubmatch(res.Body, -1) {
				out = append(out, m[1])
			}
			return out
		}
		if got := numbers("/orders?number=000003"); len(got) != 1 || got[0] != "BA-2026-000003" {
			t.Errorf("by number: %v", got)
		}
		if got := numbers("/orders?cost_centre=%3DHYPER"); len(got) != 1 || got[0] != "BA-2026-000003" {
			t.Errorf("by cost centre: %v", got)
		}
		all := numbers("/orders")
		day := o.SubmittedAt.In(calendar.Berlin).Format("2006-01-02")
		byDay := numbers("/orders?from=" + day + "&to=" + day)
		if len(byDay) == 0 || len(byDay) > len(all) || !contains(byDay, "BA-2026-000003") {
			t.Errorf("by day %s: %v of %v", day, byDay, all)
		}
		if got := numbers("/orders?from=2030-01-01"); len(got) != 0 {
			t.Errorf("from a future day: %v", got)
		}
		if res := c.Get("/orders?from=gestern"); res.Status != 422 || !strings.Contains(res.Body, "Bitte ein Datum") {
			t.Errorf("bad date: %d", res.Status)
		}

		res := c.Get("/orders/export.csv?number=000003")
		wantStatus(t, res, 200)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("content type %q", ct)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(res.Body, "\ufeff")), "\r\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "Nummer;Mitglied") || !strings.Contains(lines[1], `'=HYPERLINK`) {
			t.Fatalf("CSV:\n%s", res.Body)
		}
		full := c.Get("/orders/export.csv")
		if n := strings.Count(strings.TrimSpace(full.Body), "\r\n"); n != len(all) {
			t.Errorf("CSV of all has %d rows, the list %d", n, len(all))
		}
		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		if strings.Contains(other.Get("/orders/export.csv").Body, "BA-2026-000003") {
			t.Error("another member's CSV has Börde's order")
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
