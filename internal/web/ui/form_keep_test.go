package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

// postFailing posts a form that must fail: the answer is a 303 to the
// form's page (redirect after POST), whose GET shows the error once; it
// returns that page.
func postFailing(t *testing.T, c *webtest.Client, path string, form url.Values) webtest.Response {
	t.Helper()
	res := c.PostForm(path, form)
	if res.Status != 303 {
		t.Fatalf("POST %s: status %d, want 303 (redirect after POST): %.1000s", path, res.Status, res.Body)
	}
	loc, _, _ := strings.Cut(res.Location(), "#")
	page := c.Get(loc)
	wantStatus(t, page, 200)
	return page
}

// TestFailedFormsRedirectAndKeepInput: every form that can fail answers
// a failing POST with 303 to its page (redirect after POST), whose GET
// shows the error and what was typed; a reload of that page shows the
// page without the error and sends nothing again.
func TestFailedFormsRedirectAndKeepInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		qs := quotetest.Service(f)
		_, q := quotetest.Quoting(t, f, qs)
		quotePage := fmt.Sprintf("/quotes/%d", q.ID)

		// An order confirmed and waiting for its delivery, one waiting
		// for the approver.
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		o, err := f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, "")
		o, err = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
		ordertest.WantCode(t, err, "")
		waiting := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
		approverUser := userID(t, bdb, "genehmigung@boerde.example")

		login := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Login(email)
			return c
		}
		sales, approver, admin, fin := login("vertrieb@kid.example"), login("genehmigung@boerde.example"), login("kaemmerei@boerde.example"), login("finanzen@kid.example")

		tests := []struct {
			name   string
			client *webtest.Client
			page   string // GET first (CSRF token, version)
			post   string
			form   func(page string) url.Values
			want   []string // on the page after the redirect: the error and what was typed
		}{
			{"quote editor: save with a price that is no amount", sales, quotePage, quotePage, func(string) url.Values {
				form := editorForm(t, f, q, sales.CSRF)
				form["line_price"][0] = "zwölf"
				form.Set("note", "Getippter Hinweis")
				form.Set("action", "save")
				return form
			}, []string{"Bitte prüfen Sie die markierten Angaben: Position 1", `value="zwölf"`, "Bitte einen Betrag wie 1.234,56 angeben.", "Getippter Hinweis"}},
			{"quote editor: „Abschließen“ with a line without price", sales, quotePage, quotePage, func(string) url.Values {
				form := editorForm(t, f, q, sales.CSRF)
				for i, d := range form["line_description"] {
					if d == "Test-Vor-Ort-Einrichtung" {
						form["line_price"][i] = "0,00"
					}
				}
				form.Set("note", "Abschluss-Hinweis")
				form.Set("action", "submit")
				return form
			}, []string{"Der Entwurf ist gespeichert, aber noch nicht abgeschlossen", "(„Test-Vor-Ort-Einrichtung“): Der Einzelpreis fehlt noch.", "Abschluss-Hinweis"}},
			{"order step: reject without reason", approver, fmt.Sprintf("/orders/%d", waiting.ID), fmt.Sprintf("/orders/%d/reject", waiting.ID), func(page string) url.Values {
				return url.Values{"version": {regexpValue(approver.Get(page).Body, "version")}, "comment": {"   "}}
			}, []string{"Bitte begründen Sie die Ablehnung"}},
			{"order step: stale approval keeps the comment", approver, fmt.Sprintf("/orders/%d", waiting.ID), fmt.Sprintf("/orders/%d/approve", waiting.ID), func(string) url.Values {
				return url.Values{"version": {"999"}, "comment": {"Passt so, bitte liefern."}}
			}, []string{"inzwischen geändert", "Passt so, bitte liefern."}},
			{"order delivery above what is open", sales, fmt.Sprintf("/orders/%d", o.ID), fmt.Sprintf("/orders/%d/deliveries", o.ID), func(page string) url.Values {
				return url.Values{"version": {regexpValue(sales.Get(page).Body, "version")}, "line_no": {"1"}, "quantity": {"5"}, "serials": {"SN-A SN-B"}, "note": {"Teillieferung Haus B"}}
			}, []string{`class="alert"`, `value="5"`, "SN-A SN-B", `value="Teillieferung Haus B"`}},
			{"member settings: a zip of four digits", admin, "/settings", "/settings/profile", func(page string) url.Values {
				body := admin.Get(page).Body
				return url.Values{"member": {regexpValue(body, "member")}, "version": {regexpValue(body, "version")}, "leitweg_id": {"15-3-83-TEST"},
					"street": {"Gerikestraße 104"}, "zip": {"3934"}, "city": {"Haldensleben"}, "reminder_days": {"4"}}
			}, []string{"Die Postleitzahl hat fünf Ziffern.", `value="3934"`, `value="15-3-83-TEST"`}},
			{"member settings: an approval stage with an amount that is none", admin, "/settings", "/settings/rules", func(page string) url.Values {
				body := admin.Get(page).Body
				return url.Values{"member": {regexpValue(body, "member")}, "version": {regexpValue(body, "version")},
					"stage": {"1", "2", ""}, "role": {"approver", "member_admin", "approver"}, "min_gross": {"0,00", "viel", ""}}
			}, []string{"Ungültiger Betrag.", `value="viel"`}},
			{"user admin: an approval limit that is no amount", admin, fmt.Sprintf("/admin/users/%d", approverUser.ID), fmt.Sprintf("/admin/users/%d", approverUser.ID), func(page string) url.Values {
				return url.Values{"version": {regexpValue(admin.Get(page).Body, "version")}, "name": {"Gerd Günther-Neu"}, "approval_limit": {"viel"}, "active": {"on"}}
			}, []string{"Bitte einen Betrag wie 25.000,00 angeben", `value="Gerd Günther-Neu"`, `value="viel"`}},
			{"user admin: roles nobody may give", admin, fmt.Sprintf("/admin/users/%d", approverUser.ID), fmt.Sprintf("/admin/users/%d/roles", approverUser.ID), func(page string) url.Values {
				return url.Values{"version": {regexpValue(admin.Get(page).Body, "version")}, "role": {"approver", "finance"}}
			}, []string{`data-testid="roles-error"`}},
			{"finance settings: a bank account with a letter", fin, "/finance/settings", "/finance/settings", func(page string) url.Values {
				body := fin.Get(page).Body
				form := url.Values{"version": {regexpValue(body, "version")}}
				for _, k := range []string{"datev_consultant_number", "datev_client_number", "datev_fiscal_year_start_month", "datev_account_length",
					"datev_revenue_account_19", "datev_revenue_account_7", "datev_revenue_account_0", "datev_default_debtor", "reminder_interval_days"} {
					form.Set(k, regexpValue(body, k))
				}
				form.Set("datev_bank_account", "12x")
				return form
			}, []string{"Das Bankkonto muss aus Ziffern bestehen.", `value="12x"`}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantStatus(t, tt.client.Get(tt.page), 200)
				form := tt.form(tt.page)
				if _, ok := form["_csrf"]; !ok {
					form.Set("_csrf", tt.client.CSRF)
				}
				res := tt.client.PostForm(tt.post, form)
				if res.Status != 303 {
					t.Fatalf("POST %s: status %d, want 303: %.500s", tt.post, res.Status, res.Body)
				}
				loc, _, _ := strings.Cut(res.Location(), "#")
				if p, _, _ := strings.Cut(loc, "?"); p != tt.page {
					t.Fatalf("redirected to %q, want the form's page %q", res.Location(), tt.page)
				}
				page := tt.client.Get(loc)
				wantStatus(t, page, 200)
				for _, w := range tt.want {
					if !strings.Contains(page.Body, html.EscapeString(w)) && !strings.Contains(page.Body, w) {
						t.Errorf("page after the redirect lacks %q", w)
					}
				}
				// A reload is a GET of the page: the error was shown once.
				again := tt.client.Get(loc)
				wantStatus(t, again, 200)
				if strings.Contains(again.Body, html.EscapeString(tt.want[0])) && !strings.Contains(tt.want[0], "value=") {
					t.Errorf("the reload shows the error %q again", tt.want[0])
				}
			})
		}
	})
}
