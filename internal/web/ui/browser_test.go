package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
)

// TestBrowser clicks through the real pages in Chromium, once per dialect;
// it skips with a notice where there is no Chromium (see
// internal/browsertest). The subtests share one seeded shop, the slow part,
// and each has its own session.
func TestBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)

		t.Run("purchaser sees own header and no user admin", func(t *testing.T) {
			tab := b.NewTab(t)
			tab.Login(shop, "einkauf@boerde.example")

			if got := tab.Text(`[data-testid=who]`); got != "Birgit Böhm" {
				t.Errorf("header name %q, want Birgit Böhm", got)
			}
			if got := tab.Text(`.who-org`); !strings.Contains(got, "Landkreis Börde") {
				t.Errorf("header organisation %q lacks Landkreis Börde", got)
			}
			if nav := tab.Text(`nav.main-nav`); strings.Contains(nav, "Benutzer & Rollen") {
				t.Errorf("a purchaser sees the navigation entry Benutzer & Rollen: %q", nav)
			}
		})

		t.Run("wrong password", func(t *testing.T) {
			tab := b.NewTab(t)
			tab.Open(shop.URL + "/login")
			tab.SubmitLogin("einkauf@boerde.example", "falsch-falsch")

			if got := tab.Text(`[data-testid=login-error]`); got != "E-Mail-Adresse oder Passwort ist falsch." {
				t.Errorf("error %q", got)
			}
			if got := browsertest.Run(tab, chromedp.Value(chromedp.CSS(`input[name=email]`))); got != "einkauf@boerde.example" {
				t.Errorf("e-mail field %q, want the typed address kept", got)
			}
			if got := browsertest.Run(tab, chromedp.Value(chromedp.CSS(`input[name=password]`))); got != "" {
				t.Error("the password field was filled again")
			}
		})

		t.Run("admin gives a member user a role", func(t *testing.T) {
			tab := b.NewTab(t)
			tab.Login(shop, "admin@kid.example")
			tab.Do(
				chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Benutzer & Rollen"]`)),
				chromedp.WaitVisible(chromedp.CSS(`table[data-testid=users]`)),
			)
			wiebke := `//table[@data-testid="users"]//tr[td[3][normalize-space()="Stadt Weißenfels"]]/td[1]/a[normalize-space()="Wiebke Weiß"]`
			approver := `input[name=role][value=approver]`
			tab.Do(
				chromedp.Click(chromedp.Search(wiebke)),
				chromedp.WaitVisible(chromedp.CSS(approver)),
			)
			if got := tab.Text(`main h1`); got != "Wiebke Weiß" {
				t.Fatalf("user page heading %q, want Wiebke Weiß", got)
			}

			tab.Do(
				chromedp.Click(chromedp.CSS(approver)),
				chromedp.Click(chromedp.CSS(`form[action$="/roles"] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.flash`)),
			)
			if got := tab.Text(`.flash`); !strings.Contains(got, "wurden gespeichert") {
				t.Errorf("flash %q lacks »wurden gespeichert«", got)
			}
			for role, want := range map[string]bool{"approver": true, "purchaser": true, "member_admin": false} {
				sel := `input[name=role][value=` + role + `]`
				if got := browsertest.Run(tab, chromedp.JavascriptAttribute[bool](chromedp.CSS(sel), "checked")); got != want {
					t.Errorf("role %s checked = %v after saving, want %v", role, got, want)
				}
			}
			tab.Screenshot("/tmp/coopshop-admin-users.png")
		})
	})
}
