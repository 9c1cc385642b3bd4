package ui_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// providerFields are the inputs of the provider's invoicing data form.
var providerFields = []string{"legal_name", "street", "zip", "city", "vat_id", "tax_number", "register_entry", "iban", "bic",
	"bank_name", "contact_name", "contact_phone", "contact_email", "e_invoice_address"}

// TestProviderSettingsPage: the admin edits the provider's IBAN; a wrong
// check digit is refused in place with what was typed, a stale version is
// a 409, the saved IBAN reads back in the page and in the API (finance);
// a member's user and finance cannot open the page.
func TestProviderSettingsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		admin := webtest.NewClient(t, a)
		admin.Login("admin@kid.example")
		if res := admin.Get("/"); !strings.Contains(res.Body, `href="/admin/provider"`) {
			t.Errorf("admin's navigation lacks Rechnungsangaben")
		}
		res := admin.Get("/admin/provider")
		wantStatus(t, res, 200)
		form := url.Values{"version": {regexpValue(res.Body, "version")}}
		for _, f := range providerFields {
			form.Set(f, regexpValue(res.Body, f))
		}
		if form.Get("legal_name") == "" || form.Get("iban") == "" {
			t.Fatalf("form lacks the demo's data: %s", res.Body)
		}
		const iban = "DE89370400440532013000"

		bad := cloneValues(form)
		bad.Set("iban", "DE00 1234 5678 9012 3456 78")
		bad.Set("contact_name", "Erika Typed")
		res = admin.PostForm("/admin/provider", bad)
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "Prüfziffer") || !strings.Contains(res.Body, `value="Erika Typed"`) {
			t.Errorf("wrong IBAN page: %s", res.Body)
		}

		good := cloneValues(form)
		good.Set("iban", "DE89 3704 0044 0532 0130 00")
		res = admin.PostForm("/admin/provider", good)
		wantStatus(t, res, 303)
		if res = admin.Get("/admin/provider"); regexpValue(res.Body, "iban") != iban {
			t.Errorf("page reads IBAN %q, want %s", regexpValue(res.Body, "iban"), iban)
		}
		// The form the admin opened before the save is stale now.
		res = admin.PostForm("/admin/provider", good)
		wantStatus(t, res, 409)
		if !strings.Contains(res.Body, `value="DE89 3704 0044 0532 0130 00"`) {
			t.Errorf("stale page lost the typed IBAN: %s", res.Body)
		}

		fin := webtest.NewClient(t, a)
		fin.Token("finanzen@kid.example")
		var p struct {
			IBAN    string `json:"iban"`
			Version int64  `json:"version"`
		}
		res = fin.Get("/api/v1/provider/settings")
		wantStatus(t, res, 200)
		res.JSON(t, &p)
		if p.IBAN != iban {
			t.Errorf("API reads IBAN %q, want %s", p.IBAN, iban)
		}
		wantStatus(t, fin.JSON("PUT", "/api/v1/provider/settings", map[string]any{"version": p.Version, "iban": iban}), 403)

		for _, email := range []string{"finanzen@kid.example", "einkauf@boerde.example"} {
			c := webtest.NewClient(t, a)
			c.Login(email)
			wantStatus(t, c.Get("/admin/provider"), 403)
		}
		api := webtest.NewClient(t, a)
		api.Token("admin@kid.example")
		put := map[string]any{"version": p.Version}
		for _, f := range providerFields {
			put[f] = form.Get(f)
		}
		put["bank_name"] = "Neue Bank"
		res = api.JSON("PUT", "/api/v1/provider/settings", put)
		wantStatus(t, res, 200)
		res = api.JSON("PUT", "/api/v1/provider/settings", put)
		wantStatus(t, res, 409)
		put["version"], put["contact_email"] = p.Version+1, "keine-adresse"
		wantStatus(t, api.JSON("PUT", "/api/v1/provider/settings", put), 422)
		member := webtest.NewClient(t, a)
		member.Token("einkauf@boerde.example")
		wantStatus(t, member.Get("/api/v1/provider/settings"), 403)
	})
}

// TestMemberBillingPage: finance opens a member's invoicing settings from
// its start page and changes the payment terms; a malformed number keeps
// what was typed, a stale version is a 409; the API reads and changes the
// same; a member's user gets 403.
func TestMemberBillingPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		memberID := userID(t, bdb, "einkauf@boerde.example").OrgID
		path := fmt.Sprintf("/finance/members/%d", memberID)

		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		if res := fin.Get("/finance"); !strings.Contains(res.Body, `href="`+path+`"`) {
			t.Errorf("finance start page does not link %s", path)
		}
		res := fin.Get(path)
		wantStatus(t, res, 200)
		form := url.Values{"version": {regexpValue(res.Body, "version")}, "invoice_email": {regexpValue(res.Body, "invoice_email")},
			"debtor_account": {regexpValue(res.Body, "debtor_account")}, "payment_terms_days": {"vierzehn"}}
		res = fin.PostForm(path, form)
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, `value="vierzehn"`) {
			t.Errorf("typed terms lost: %s", res.Body)
		}
		form.Set("payment_terms_days", "400")
		wantStatus(t, fin.PostForm(path, form), 422)
		form.Set("payment_terms_days", "14")
		res = fin.PostForm(path, form)
		wantStatus(t, res, 303)
		if res = fin.Get(path); regexpValue(res.Body, "payment_terms_days") != "14" {
			t.Errorf("terms read %q after the save", regexpValue(res.Body, "payment_terms_days"))
		}
		wantStatus(t, fin.PostForm(path, form), 409)

		api := webtest.NewClient(t, a)
		api.Token("finanzen@kid.example")
		var b struct {
			PaymentTermsDays int   `json:"payment_terms_days"`
			Version          int64 `json:"version"`
		}
		res = api.Get("/api/v1" + strings.Replace(path, "/finance", "", 1) + "/billing")
		wantStatus(t, res, 200)
		res.JSON(t, &b)
		if b.PaymentTermsDays != 14 {
			t.Errorf("API reads %d days", b.PaymentTermsDays)
		}
		apiPath := fmt.Sprintf("/api/v1/members/%d/billing", memberID)
		body := map[string]any{"version": b.Version, "invoice_email": "rechnung@boerde.example", "payment_terms_days": 21, "debtor_account": "10042"}
		res = api.JSON("PUT", apiPath, body)
		wantStatus(t, res, 200)
		res.JSON(t, &b)
		if b.PaymentTermsDays != 21 {
			t.Errorf("PUT answered %d days", b.PaymentTermsDays)
		}
		wantStatus(t, api.JSON("PUT", apiPath, body), 409)
		wantStatus(t, api.Get("/api/v1/members/999999999/billing"), 404)

		member := webtest.NewClient(t, a)
		member.Login("einkauf@boerde.example")
		wantStatus(t, member.Get(path), 403)
		member.Token("einkauf@boerde.example")
		wantStatus(t, member.Get(apiPath), 403)
		wantStatus(t, member.JSON("PUT", apiPath, body), 403)
	})
}

// cloneValues copies a form.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
