package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// a11yPage is one page a role uses in its main flow. A page reached from
// a list (an order, a quote …) names the list in path and the link to
// follow in first, a CSS selector.
type a11yPage struct {
	name  string
	path  string
	first string
	// prepare runs on the opened page before the check, e.g. to put an
	// article into the cart so that the cart shows its table.
	prepare func(t *testing.T, tab *browsertest.Browser)
}

// a11yRoles lists, per demo login, the main pages of that role; the
// login page is checked without a session.
var a11yRoles = []struct {
	email string
	pages []a11yPage
}{
	{"einkauf@boerde.example", []a11yPage{
		{name: "start", path: "/"},
		{name: "catalog", path: "/catalog", prepare: func(t *testing.T, tab *browsertest.Browser) {
			// Fill the cart from the list, as a purchaser does, so that
			// the cart and its checkout form have lines to show.
			tab.Do(
				chromedp.Click(chromedp.CSS(`form[data-testid=list-cart-form] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.flash, .alert`)),
			)
		}},
		{name: "product", path: "/catalog", first: `main a[href^="/catalog/products/"]`},
		{name: "cart and checkout", path: "/cart"},
		{name: "order lists", path: "/order-lists"},
		{name: "order list", path: "/order-lists", first: `main table a[href^="/order-lists/"]`},
		{name: "orders", path: "/orders"},
		{name: "order", path: "/orders", first: `main table a[href^="/orders/"]`},
		{name: "quotes", path: "/quotes"},
		{name: "quote", path: "/quotes", first: `main table a[href^="/quotes/"]`},
		{name: "invoices", path: "/invoices"},
		{name: "subscriptions", path: "/subscriptions"},
	}},
	{"genehmigung@boerde.example", []a11yPage{
		{name: "inbox", path: "/inbox"},
		{name: "order", path: "/inbox", first: `main a[href^="/orders/"]`},
	}},
	{"vertrieb@kid.example", []a11yPage{
		{name: "sales inbox", path: "/sales/orders"},
		{name: "quotes", path: "/quotes"},
		{name: "quote", path: "/quotes", first: `main table a[href^="/quotes/"]`},
	}},
	{"kaemmerei@boerde.example", []a11yPage{
		{name: "inbox", path: "/inbox"},
		{name: "settings", path: "/settings"},
		{name: "users", path: "/admin/users"},
		{name: "deputy", path: "/deputy"},
		{name: "user", path: "/admin/users", first: `main table a[href^="/admin/users/"]`},
		{name: "datenschutz", path: "/datenschutz"},
	}},
	{"vertriebsleitung@kid.example", []a11yPage{
		{name: "start", path: "/"},
		{name: "approvals", path: "/sales/approvals"},
		{name: "quotes", path: "/quotes"},
	}},
	{"katalog@kid.example", []a11yPage{
		{name: "catalog manage", path: "/catalog/manage"},
		{name: "product form", path: "/catalog/manage/products/new"},
	}},
	{"revision@kid.example", []a11yPage{
		{name: "audit", path: "/audit"},
	}},
	{"admin@kid.example", []a11yPage{
		{name: "users", path: "/admin/users"},
		{name: "user", path: "/admin/users", first: `main table a[href^="/admin/users/"]`},
		{name: "mails", path: "/admin/mails"},
		{name: "datenschutz", path: "/datenschutz"},
		{name: "operations", path: "/admin/operations"},
	}},
	{"finanzen@kid.example", []a11yPage{
		{name: "finance", path: "/finance"},
		{name: "invoices", path: "/invoices"},
		{name: "invoice", path: "/invoices", first: `main table a[href^="/invoices/"]`},
		{name: "payments", path: "/finance/payments"},
		{name: "subscriptions", path: "/subscriptions"},
		{name: "subscription", path: "/subscriptions", first: `main table a[href^="/subscriptions/"]`},
	}},
}

// a11yWidths are the widths checked: a common office laptop and a phone
// held upright.
var a11yWidths = []struct {
	name          string
	width, height int64
}{{"1366", 1366, 768}, {"390", 390, 844}}

// TestAccessibility runs axe-core over the main pages of every role at
// 1366 px and at 390 px: no WCAG 2.1 A/AA violation, and at phone width
// no page wider than the screen. It skips with a notice without Chromium
// or axe-core (see internal/browsertest); CI installs both. The markup is
// the same on both databases, so one dialect suffices.
func TestAccessibility(t *testing.T) {
	b := browsertest.NewBrowser(t)
	axe := browsertest.AxeSource(t)
	bdb := dbtest.Open(t, "sqlite")
	// The demo's orders, quotes, invoices and subscriptions first
	// (webtest.New seeds the master data only), as `coopshop seed` does.
	demoApp := webtest.New(t, bdb)
	seedDemoSubscriptions(t, demoApp)
	seedWaitingApproval(t, demoApp) // a version on the sales lead's „Freigaben“
	shop := browsertest.Start(t, bdb)

	check := func(t *testing.T, tab *browsertest.Browser, width int64) {
		t.Helper()
		for _, v := range tab.Axe(axe, browsertest.WCAG21AA) {
			t.Errorf("axe: %s", v)
		}
		if width < 600 {
			if over := tab.HorizontalOverflow(); over > 0 {
				t.Errorf("the page is %d px wider than the %d px screen", over, width)
			}
		}
	}

	for _, w := range a11yWidths {
		t.Run(w.name, func(t *testing.T) {
			t.Run("login", func(t *testing.T) {
				tab := b.NewTab(t)
				tab.SetViewport(w.width, w.height)
				tab.Open(shop.URL + "/login")
				check(t, tab, w.width)
			})
			for _, role := range a11yRoles {
				t.Run(role.email, func(t *testing.T) {
					tab := b.NewTab(t)
					tab.SetViewport(w.width, w.height)
					tab.Login(shop, role.email)
					for _, p := range role.pages {
						t.Run(p.name, func(t *testing.T) {
							tab.Open(shop.URL + p.path)
							if p.first != "" {
								href := browsertest.Run(tab, chromedp.Evaluate[string](fmt.Sprintf(
									`(function () { var a = document.querySelector(%q); return a ? a.getAttribute("href") : document.querySelector("main").innerHTML.slice(0, 2000); })()`, p.first)))
								if !strings.HasPrefix(href, "/") {
									t.Fatalf("%s shows no link %s to follow: %s", p.path, p.first, href)
								}
								tab.Open(shop.URL + href)
							}
							if p.prepare != nil {
								p.prepare(t, tab)
							}
							check(t, tab, w.width)
						})
					}
				})
			}
		})
	}
}

// TestKeyboard: the first Tab reaches the skip link, which moves the focus
// to the content; after a failed form the focus sits on the error summary
// and the field says it is invalid and which message describes it.
func TestKeyboard(t *testing.T) {
	b := browsertest.NewBrowser(t)
	shop := browsertest.Start(t, dbtest.Open(t, "sqlite"))
	focused := func(tab *browsertest.Browser) string {
		return browsertest.Run(tab, chromedp.Evaluate[string](`(function (e) { return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className.split(" ").join(".") : ""); })(document.activeElement)`))
	}

	t.Run("skip link", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.SetViewport(390, 844)
		tab.Login(shop, "einkauf@boerde.example")
		tab.Open(shop.URL + "/catalog")
		tab.Do(chromedp.KeyEvent("\t"))
		if got := focused(tab); got != "a.skip" {
			t.Fatalf("the first Tab focuses %s, want the skip link a.skip", got)
		}
		if got := tab.Text(`a.skip`); got != "Zum Inhalt springen" {
			t.Errorf("skip link text %q", got)
		}
		tab.Do(chromedp.KeyEvent("\r"))
		if got := focused(tab); got != "main#inhalt" {
			t.Errorf("after the skip link the focus is on %s, want main#inhalt", got)
		}
	})

	t.Run("error summary gets the focus", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Login(shop, "einkauf@boerde.example")
		tab.Open(shop.URL + "/cart")
		tab.Fill(`input[name=sku]`, "GIBT-ES-NICHT")
		tab.Do(
			chromedp.Click(chromedp.CSS(`form[action="/cart/items"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`main [aria-invalid=true]`)),
		)
		// app.js moves the focus once the document is parsed.
		browsertest.Run(tab, chromedp.Poll[bool](`document.readyState === "complete" && document.activeElement !== document.body`))
		// The page names the one problem at the field (the quick add shows
		// no summary above, so as not to say it twice): the focus is there.
		want := "input"
		if browsertest.Run(tab, chromedp.Evaluate[bool](`!!document.querySelector("main .alert[role=alert]")`)) {
			want = "div.alert"
		}
		if got := focused(tab); !strings.HasPrefix(got, want) {
			t.Errorf("after the failed form the focus is on %s, want %s (the error summary, else the invalid field)", got, want)
		}
		if got := browsertest.Run(tab, chromedp.Evaluate[string](`document.activeElement.name || ""`)); want == "input" && got != "sku" {
			t.Errorf("focused field %q, want sku", got)
		}
		sku := `input[name=sku]`
		if got := browsertest.Run(tab, chromedp.Evaluate[string](`document.querySelector("input[name=sku]").getAttribute("aria-invalid") || ""`)); got != "true" {
			t.Errorf("%s aria-invalid = %q, want true", sku, got)
		}
		msg := browsertest.Run(tab, chromedp.Evaluate[string](`(function () {
			var ids = (document.querySelector("input[name=sku]").getAttribute("aria-describedby") || "").split(" ");
			return ids.map(function (id) { var e = document.getElementById(id); return e ? e.textContent : "<missing " + id + ">"; }).join(" | ");
		})()`))
		if msg == "" || strings.Contains(msg, "<missing") {
			t.Errorf("%s is described by %q, want the error message", sku, msg)
		}
	})
}
