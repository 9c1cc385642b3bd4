package ui_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// navBadge is the badge count of the navigation entry href, "" when none.
func navBadge(body, href string) string {
	m := regexp.MustCompile(`<a href="` + regexp.QuoteMeta(href) + `"[^>]*>[^<]*<span class="badge nav-badge"[^>]*>(\d+)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestHomeTodo: the start page lists what waits for each role, and the
// navigation shows the same counts as badges on every page.
func TestHomeTodo(t *testing.T) {
	cases := []struct {
		role, email string
		texts       []string          // sentences on the start page
		oldest      []string          // the oldest items listed
		badges      map[string]string // nav href → badge, "" none
		other       string            // another page that shows the same badges
	}{
		{"approver", "genehmigung@boerde.example", []string{"2 warten auf Ihre Genehmigung (älteste seit heute)"},
			[]string{"BA-2026-000001", "AN-2026-000001 v1"}, map[string]string{"/inbox": "2", "/orders": ""}, "/orders"},
		// The quotation of the WLAN order and the demo's project quotation
		// (issue 14), which the purchaser may take up.
		{"purchaser", "einkauf@boerde.example", []string{"1 Angebot wartet auf Ihre Antwort (ältestes seit heute)", "1 Projektangebot wartet auf Übernahme (ältestes seit heute)"},
			[]string{"AN-2026-000001 v1", "AN-2026-000002 v1"}, map[string]string{"/quotes": "2", "/cart": ""}, "/catalog"},
		{"sales", "vertrieb@kid.example", []string{"1 genehmigte Bestellung wartet auf den Vertrieb (älteste seit heute)"},
			[]string{"BA-2026-000006"}, map[string]string{"/sales/orders": "1"}, "/quotes"},
		{"finance", "finanzen@kid.example", []string{"3 Bestellungen mit Lieferungen sind zu berechnen (älteste seit 26 Tagen)", "1 Rechnung ist überfällig (älteste seit 29 Tagen)"},
			[]string{"BA-2026-000009", "RE-2026-000001"}, map[string]string{"/finance": "4", "/invoices": ""}, "/invoices"},
		{"catalog manager", "katalog@kid.example", []string{"Im Moment wartet nichts auf Sie."}, nil, map[string]string{"/catalog/manage": ""}, "/catalog/manage"},
	}
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		for _, tc := range cases {
			t.Run(tc.role, func(t *testing.T) {
				c := webtest.NewClient(t, a)
				c.Login(tc.email)
				home := c.Get("/")
				wantStatus(t, home, 200)
				for _, s := range append(tc.texts, tc.oldest...) {
					if !strings.Contains(home.Body, s) {
						t.Errorf("start page lacks %q", s)
					}
				}
				other := c.Get(tc.other)
				wantStatus(t, other, 200)
				for href, want := range tc.badges {
					for _, body := range []string{home.Body, other.Body} {
						if got := navBadge(body, href); got != want {
							t.Errorf("badge of %s: %q, want %q", href, got, want)
						}
					}
				}
			})
		}
	})
}
