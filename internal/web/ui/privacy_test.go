package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/dbtest"
	"coopshop/internal/privacy"
	"coopshop/internal/webtest"
)

// TestUserPrivacyPages: the member admin downloads a user's data from the
// user's page and pseudonymizes the user after confirming; the user's
// session ends and the page shows the pseudonym. Others see neither.
func TestUserPrivacyPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		u, err := account.UserByEmail(ctx, bdb, "genehmigung@boerde.example")
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/users/%d", u.ID)
		victim := webtest.NewClient(t, a)
		victim.Login("genehmigung@boerde.example")
		wantStatus(t, victim.Get("/"), 200)

		auditor := webtest.NewClient(t, a)
		auditor.Login("revision@kid.example")
		page := auditor.Get(path)
		wantStatus(t, page, 200)
		if strings.Contains(page.Body, `data-testid="user-privacy"`) {
			t.Fatal("the auditor sees the privacy section")
		}
		wantStatus(t, auditor.Get(path+"/export"), 403)

		ka := webtest.NewClient(t, a)
		ka.Login("kaemmerei@boerde.example")
		page = ka.Get(path)
		wantStatus(t, page, 200)
		for _, want := range []string{`data-testid="user-export"`, `data-testid="user-pseudonymize"`, `data-confirm=`, `name="confirm"`} {
			if !strings.Contains(page.Body, want) {
				t.Fatalf("user page lacks %s: %.3000s", want, page.Body)
			}
		}
		res := ka.Get(path + "/export")
		wantStatus(t, res, 200)
		if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("export is no download: %v", res.Header)
		}
		var ex privacy.Export
		if err := json.Unmarshal([]byte(res.Body), &ex); err != nil || ex.Profile.Email != u.Email {
			t.Fatalf("export %v: %.300s", err, res.Body)
		}
		other, _ := account.UserByEmail(ctx, bdb, "einkauf@weissenfels.example")
		wantStatus(t, ka.Get(fmt.Sprintf("/admin/users/%d/export", other.ID)), 404)

		// Without the confirmation nothing happens.
		res = ka.PostForm(path+"/pseudonymize", url.Values{"version": {fmt.Sprint(u.Version)}})
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, `data-testid="user-privacy-error"`) {
			t.Fatalf("no error shown: %.3000s", res.Body)
		}
		res = ka.PostForm(path+"/pseudonymize", url.Values{"version": {fmt.Sprint(u.Version + 5)}, "confirm": {"1"}})
		wantStatus(t, res, 409)
		res = ka.PostForm(path+"/pseudonymize", url.Values{"version": {fmt.Sprint(u.Version)}, "confirm": {"1"}})
		wantStatus(t, res, 303)
		page = ka.Get(path)
		name := privacy.PseudonymName(u.ID)
		if !strings.Contains(page.Body, name) || strings.Contains(page.Body, u.Name) || !strings.Contains(page.Body, `data-testid="user-pseudonymized"`) {
			t.Fatalf("page after: %.3000s", page.Body)
		}
		if res := victim.Get("/"); res.Status == 200 && strings.Contains(res.Body, `data-testid="who"`) {
			t.Fatal("the pseudonymized user's session still works")
		}
	})
}

// TestPrivacyNoticePage: every logged-in user reads the notice, linked in
// the footer, with this installation's periods; admin saves a new
// version, a stale form is a conflict that keeps what was typed.
func TestPrivacyNoticePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		home := buyer.Get("/")
		if !strings.Contains(home.Body, `href="/datenschutz"`) {
			t.Fatal("no footer link")
		}
		page := buyer.Get("/datenschutz")
		wantStatus(t, page, 200)
		for _, want := range []string{"Benutzerkonto", "30 Tage", "8 Stunden", `data-testid="privacy-section"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("notice lacks %q", want)
			}
		}
		if strings.Contains(page.Body, `data-testid="privacy-edit"`) {
			t.Error("the purchaser gets the edit form")
		}
		wantStatus(t, buyer.PostForm("/datenschutz", url.Values{"version": {"0"}}), 403)

		admin := webtest.NewClient(t, a)
		admin.Login("admin@kid.example")
		page = admin.Get("/datenschutz")
		if !strings.Contains(page.Body, `data-testid="privacy-edit"`) {
			t.Fatal("admin gets no edit form")
		}
		sections := privacy.DefaultSections()
		formOf := func(version string) url.Values {
			form := url.Values{"version": {version}}
			for _, s := range sections {
				form.Add("section_key", s.Key)
				form.Add("section_title", s.Title)
				form.Add("section_text", s.Text)
			}
			return form
		}
		sections[0].Text = "Verantwortlich ist die KID Magdeburg GmbH.\n\nDatenschutzbeauftragte: Dana Schutz."
		form := formOf("0")
		wantStatus(t, admin.PostForm("/datenschutz", form), 303)
		page = buyer.Get("/datenschutz")
		if !strings.Contains(page.Body, "<p>Datenschutzbeauftragte: Dana Schutz.</p>") {
			t.Fatalf("saved text not shown: %.2000s", page.Body)
		}
		sections[0].Text = "Veraltet"
		res := admin.PostForm("/datenschutz", formOf("0"))
		wantStatus(t, res, 409)
		if !strings.Contains(res.Body, ">Veraltet</textarea>") {
			t.Fatal("the stale form lost what was typed")
		}
		sections[1].Title = ""
		wantStatus(t, admin.PostForm("/datenschutz", formOf("1")), 422)
	})
}
