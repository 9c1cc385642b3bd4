package ui_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestAuditPagesInWords: the Protokoll page and an order's Verlauf show
// German words for the actions, names instead of e-mail addresses, what
// changed instead of JSON, and a German filter (issue 13).
func TestAuditPagesInWords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		rawCode := regexp.MustCompile(`\b(order|quote|invoice|user|product|contract|billing|provider_settings)\.[a-z_]+\b`)
		email := regexp.MustCompile(`[a-z]+@[a-z]+\.example`)
		check := func(what, body string) {
			t.Helper()
			main := body[strings.Index(body, "<main"):]
			main = main[:strings.Index(main, "</main>")]
			if m := rawCode.FindString(main); m != "" {
				t.Errorf("%s shows the raw code %q", what, m)
			}
			// Who acted: the name, not the address (addresses that are
			// data, like a member's invoice e-mail, may show).
			whos := regexp.MustCompile(`<tr><td>[^<]*</td><td>([^<]*)</td>`).FindAllStringSubmatch(main, -1)
			if len(whos) == 0 {
				t.Errorf("%s: no rows", what)
			}
			for _, w := range whos {
				if email.MatchString(w[1]) || w[1] == "" {
					t.Errorf("%s names the actor %q", what, w[1])
				}
			}
			if strings.Contains(main, `{&#34;`) || strings.Contains(main, `{"`) {
				t.Errorf("%s shows JSON", what)
			}
			if strings.Contains(main, "z. B. order") {
				t.Errorf("%s has the English filter hint", what)
			}
		}
		rev := webtest.NewClient(t, a)
		rev.Login("revision@kid.example")
		res := rev.Get("/audit?limit=500")
		mustHave(t, "Protokoll", res, 200, "Bestellung genehmigt", "Rechnung ausgestellt", "Status: Eingereicht", "Kommentar: Fachlich geprüft", "Brutto: ")
		check("Protokoll", res.Body)

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		orders := buyer.Get("/orders")
		m := regexp.MustCompile(`href="(/orders/\d+)"`).FindAllStringSubmatch(orders.Body, -1)
		if len(m) == 0 {
			t.Fatal("no orders")
		}
		for _, o := range m {
			page := buyer.Get(o[1])
			wantStatus(t, page, 200)
			if strings.Contains(page.Body, `data-testid="order-audit"`) {
				mustHave(t, "Verlauf", page, 200, "Bestellung eingereicht")
				check("Verlauf of "+o[1], page.Body)
				return
			}
		}
		t.Fatal("no order page shows its Verlauf")
	})
}
