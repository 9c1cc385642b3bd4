package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/money"
	"coopshop/internal/webtest"
)

// BenchmarkCatalog measures the catalog JSON (/api/v1/products?limit=50
// with the purchaser's member prices) and the catalog page next to their
// bare baselines in the same run (issue 15): a bare fiber handler running
// one plain query for the same 50 rows and encoding them as JSON, and a
// bare html/template page of the same rows (the page shows 30 per page,
// so both render 30). The page has two baselines too: four columns of
// each row in a table (page_bare, 4 KB), and the page's own layout and
// product cards with their forms (page_bare_doc, as heavy as the page). The JSON has two baselines: seven columns of each
// row (json_bare, 7 KB), and the columns the API answers for a product,
// in the API's document (json_bare_doc, 38 KB like the API's, where
// member prices are list prices: no contract lines, no authorization).
// All go through fiber's app.Test, so the transport costs the same.
// SQLite, or PostgreSQL when TEST_DATABASE_URL is set; it prints the
// ratios.
//
//	go test -run '^$' -bench Catalog -benchtime 2s ./internal/web/api/
func BenchmarkCatalog(b *testing.B) {
	d := "sqlite"
	if os.Getenv("TEST_DATABASE_URL") != "" {
		d = "postgres"
	}
	bdb := dbtest.Open(b, d)
	a := webtest.New(b, bdb)
	fillCatalog(b, bdb, 50)
	bare := bareCatalog(bdb)

	buyer := webtest.NewClient(b, a)
	buyer.Token("einkauf@boerde.example")
	browser := webtest.NewClient(b, a)
	browser.Login("einkauf@boerde.example")

	var page struct{ Items []json.RawMessage }
	buyer.Get("/api/v1/products?limit=50").JSON(b, &page)
	if len(page.Items) != 50 {
		b.Fatalf("catalog JSON answers %d products, want 50", len(page.Items))
	}
	_, apiBody := bareGet(b, a.Web.App, "/api/v1/products?limit=50", http.Header{"Authorization": {"Bearer " + buyer.Bearer}})
	for _, path := range []string{"/products.json", "/products-doc.json"} {
		_, body := bareGet(b, bare, path, nil)
		if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Items) != 50 {
			b.Fatalf("bare %s answers %d products (%v), want 50", path, len(page.Items), err)
		}
		if path == "/products-doc.json" && !sameKeys(apiBody, body) {
			b.Fatalf("the bare document's products differ in their fields from the API's:\n%.600s\n%.600s", body, apiBody)
		}
	}

	perOp := map[string]time.Duration{}
	run := func(name string, get func() (int, string)) {
		b.Run(d+"/"+name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if status, body := get(); status != 200 {
					b.Fatalf("status %d: %.300s", status, body)
				}
			}
			perOp[name] = b.Elapsed() / time.Duration(b.N)
		})
	}
	var cookies []string
	for k, v := range browser.Cookies {
		cookies = append(cookies, k+"="+v)
	}
	bearer := http.Header{"Authorization": {"Bearer " + buyer.Bearer}}
	session := http.Header{"Cookie": {strings.Join(cookies, "; ")}}
	_, html := bareGet(b, a.Web.App, "/catalog", session)
	if strings.Count(html, `href="/catalog/products/`) != pageRows {
		b.Fatalf("catalog page links %d products, want %d", strings.Count(html, `href="/catalog/products/`), pageRows)
	}
	// The bare page of the same cards must weigh what the page weighs: the
	// bytes cost the transport and the client too.
	if _, doc := bareGet(b, bare, "/catalog-doc", nil); strings.Count(doc, `class="product-card"`) != pageRows || len(doc) < len(html)*85/100 || len(doc) > len(html)*115/100 {
		b.Fatalf("the bare page of the same cards has %d cards in %d bytes, the page %d in %d", strings.Count(doc, `class="product-card"`), len(doc), pageRows, len(html))
	}
	run("json", func() (int, string) { return bareGet(b, a.Web.App, "/api/v1/products?limit=50", bearer) })
	run("json_bare", func() (int, string) { return bareGet(b, bare, "/products.json", nil) })
	run("json_bare_doc", func() (int, string) { return bareGet(b, bare, "/products-doc.json", nil) })
	run("page", func() (int, string) { return bareGet(b, a.Web.App, "/catalog", session) })
	run("page_bare", func() (int, string) { return bareGet(b, bare, "/catalog", nil) })
	run("page_bare_doc", func() (int, string) { return bareGet(b, bare, "/catalog-doc", nil) })

	ratio := func(app, base string) float64 {
		if perOp[app] == 0 {
			return 0
		}
		return float64(perOp[base]) / float64(perOp[app])
	}
	fmt.Fprintf(os.Stderr, "catalog on %s: JSON %.0f%% of the bare handler of 7 columns, %.0f%% of the bare handler of the API's document (target ≥ 50%%), page %.0f%% of the bare page of 4 columns, %.0f%% of the bare page of the same cards (target ≥ 50%%)\n",
		d, 100*ratio("json", "json_bare"), 100*ratio("json", "json_bare_doc"), 100*ratio("page", "page_bare"), 100*ratio("page", "page_bare_doc"))
}

// fillCatalog adds active hardware products at list price until the
// catalog holds at least n, so that every request answers n rows.
func fillCatalog(b *testing.B, bdb *bun.DB, n int) {
	ctx := context.Background()
	have, err := bdb.NewSelect().Table("products").Where("active").Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i := int(have); i < n; i++ {
		p := &catalog.Product{SKU: fmt.Sprintf("BENCH-%03d", i), Name: fmt.Sprintf("Zubehör Bench %03d", i), Kind: catalog.KindHardware,
			Unit: "Stück", ListPriceCents: int64(1000 + i*37), VATPercent: 19, Active: true}
		if err := catalog.CreateProduct(ctx, bdb, p); err != nil {
			b.Fatal(err)
		}
	}
}

// pageRows is what the catalog page shows per page (ui's
// catalogPageSize): the bare page renders as many rows.
const pageRows = 30

// bareRow is one product row of the baselines.
type bareRow struct {
	ID         int64  `json:"id"`
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Unit       string `json:"unit"`
	PriceCents int64  `json:"price_net_cents"`
	VATPercent int64  `json:"vat_percent"`
}

// bareDoc is one product of the bare document: the API's fields, filled
// from the product's columns and its category alone.
type bareDoc struct {
	ID             int64             `json:"id"`
	SKU            string            `json:"sku"`
	Name           string            `json:"name"`
	Description    string            `json:"description"`
	Kind           string            `json:"kind"`
	KindLabel      string            `json:"kind_label"`
	Unit           string            `json:"unit"`
	Category       *catalog.Category `json:"category"`
	Active         bool              `json:"active"`
	QuoteOnly      bool              `json:"quote_only"`
	VATPercent     int64             `json:"vat_percent"`
	ListPriceCents int64             `json:"list_price_cents"`
	PriceNetCents  int64             `json:"price_net_cents"`
	GrossCents     int64             `json:"gross_cents"`
	PriceSource    struct {
		Type           string  `json:"type"`
		ContractNumber *string `json:"contract_number"`
		ContractID     *int64  `json:"contract_id"`
	} `json:"price_source"`
	MinQuantity    int64  `json:"min_quantity"`
	RemainingQuota *int64 `json:"remaining_quota"`
	Quota          *struct {
		Total *int64 `json:"total"`
	} `json:"quota"`
	Rental *struct {
		TermMonths   *int64 `json:"term_months"`
		MonthlyCents *int64 `json:"monthly_cents"`
		BuyoutCents  *int64 `json:"buyout_cents"`
	} `json:"rental"`
	SetupRequired     bool                 `json:"setup_required"`
	NoticeMonths      int64                `json:"notice_months"`
	EndReminderMonths int64                `json:"end_reminder_months"`
	Version           int64                `json:"version"`
	Availability      catalog.Availability `json:"availability"`
}

// sameKeys tells whether the first product of two catalog documents has
// the same fields.
func sameKeys(a, b string) bool {
	keys := func(doc string) []string {
		var page struct{ Items []map[string]json.RawMessage }
		if json.Unmarshal([]byte(doc), &page) != nil || len(page.Items) == 0 {
			return nil
		}
		var out []string
		for k := range page.Items[0] {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	ka := keys(a)
	return ka != nil && slices.Equal(ka, keys(b))
}

var barePage = template.Must(template.New("catalog").Parse(`<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Katalog</title></head><body>
<h1>Katalog</h1><table><thead><tr><th>Artikel</th><th>Bezeichnung</th><th>Einheit</th><th>Preis</th></tr></thead><tbody>
{{range .}}<tr><td>{{.SKU}}</td><td><a href="/catalog/products/{{.ID}}">{{.Name}}</a></td><td>{{.Unit}}</td><td>{{.PriceCents}}</td></tr>
{{end}}</tbody></table></body></html>`))

// bareCardsPage is the bare page of the same cards: the catalog page's
// layout (head, navigation, footer) and its product cards with both forms,
// as one html/template, without session, authorization, facets or member
// prices.
var bareCardsPage = template.Must(template.New("catalog-doc").Funcs(template.FuncMap{"euro": money.Format}).Parse(`<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Katalog – coopshop</title><link rel="stylesheet" href="/static/style.css"><link rel="icon" href="/static/logo.svg" type="image/svg+xml"><script src="/static/app.js" defer></script></head>
<body><a class="skip" href="#inhalt">Zum Inhalt springen</a>
<header class="top"><a class="brand" href="/"><img src="/static/logo.svg" alt="" width="28" height="28"> coopshop</a>
<nav class="main-nav" aria-label="Hauptnavigation"><a href="/" >Start</a><a href="/catalog" aria-current="page">Katalog</a><a href="/cart">Warenkorb</a><a href="/order-lists">Bestelllisten</a><a href="/orders">Bestellungen</a><a href="/contracts">Rahmenverträge</a><a href="/subscriptions">Verträge</a><a href="/invoices">Rechnungen</a><a href="/quotes">Angebote</a></nav>
<div class="who"><span class="who-name" data-testid="who">Erika Einkauf</span><span class="who-org">Landkreis Börde · Einkauf</span>
<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="{{$.CSRF}}"><button type="submit" class="link">Abmelden</button></form></div></header>
<main id="inhalt" tabindex="-1"><div class="page-head"><h1>Katalog</h1></div>
<div class="catalog"><section class="catalog-main"><p class="muted" role="status">{{len .Items}} Produkte</p><ul class="products" data-testid="products">
{{range .Items}}<li class="product-card"><div class="product-head"><a href="/catalog/products/{{.ID}}" class="product-name">{{.Name}}</a> <span class="badge info" data-testid="price-badge">Listenpreis</span></div><div class="product-meta"><code>{{.SKU}}</code> · {{.KindLabel}}{{with .Category}} · {{.Name}}{{end}}</div><div class="product-price"><strong data-testid="price-net">{{euro .PriceNetCents}}</strong> netto je {{.Unit}} <span class="muted">({{euro .GrossCents}} brutto)</span></div><div class="product-availability"><span class="badge {{.Availability.Tone}}" data-testid="availability">{{.Availability.Label}}</span></div><form method="post" action="/cart/items" class="quick-cart" data-testid="list-cart-form"><input type="hidden" name="_csrf" value="{{$.CSRF}}"><input type="hidden" name="product_id" value="{{.ID}}"><input type="hidden" name="next" value="/catalog"><label>Menge <input type="number" name="quantity" value="1" min="1" max="99999" step="1" required class="narrow-input" aria-label="Menge {{.Name}}"></label> <button type="submit" aria-label="{{.Name}} in den Warenkorb">In den Warenkorb</button></form><details class="to-list"><summary>Auf Bestellliste</summary><form method="post" action="/order-lists/items" class="quick-cart" data-testid="list-add-form"><input type="hidden" name="_csrf" value="{{$.CSRF}}"><input type="hidden" name="product_id" value="{{.ID}}"><input type="hidden" name="next" value="/catalog"><label>Menge <input type="number" name="quantity" value="1" min="1" max="99999" step="1" required class="narrow-input" aria-label="Menge {{.Name}} für die Bestellliste"></label> <label>Liste <select name="list_id" aria-label="Bestellliste für {{.Name}}"><option value="1">Schulungsraum (5 Arbeitsplätze)</option><option value="new">Neue Liste „Merkliste“</option></select></label> <button type="submit" aria-label="{{.Name}} auf die Bestellliste">Auf Bestellliste</button></form></details></li>
{{end}}</ul></section></div></main>
<footer class="foot">coopshop · Bestellplattform der KID Magdeburg für ihre Mitglieder · <a href="/datenschutz">Datenschutz</a></footer></body></html>`))

// bareCatalog is the baseline: one plain query for the 50 rows, encoded
// as JSON or rendered by a bare html/template, without session,
// authorization or member prices.
func bareCatalog(bdb *bun.DB) *fiber.App {
	rows := func(c *fiber.Ctx, limit int) ([]bareRow, error) {
		rs, err := bdb.QueryContext(c.UserContext(), `SELECT id, sku, name, kind, unit, list_price_cents, vat_percent FROM products WHERE active ORDER BY name, id LIMIT ?`, limit)
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		out := make([]bareRow, 0, 50)
		for rs.Next() {
			var r bareRow
			if err := rs.Scan(&r.ID, &r.SKU, &r.Name, &r.Kind, &r.Unit, &r.PriceCents, &r.VATPercent); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, rs.Err()
	}
	docs := func(c *fiber.Ctx, limit int) ([]bareDoc, error) {
		rs, err := bdb.QueryContext(c.UserContext(), `SELECT p.id, p.sku, p.name, p.description, p.kind, p.unit, p.active, p.quote_only,
			p.vat_percent, p.list_price_cents, p.rental_term_months, p.rental_monthly_cents, p.rental_buyout_cents, p.setup_required,
			p.notice_months, p.end_reminder_months, p.version, p.availability, p.lead_time_days, p.available_from,
			cat.id, cat.name, cat.slug, cat.sort
			FROM products AS p LEFT JOIN categories AS cat ON cat.id = p.category_id WHERE p.active ORDER BY lower(p.name), p.id LIMIT ?`, limit)
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		out := make([]bareDoc, 0, 50)
		for rs.Next() {
			var r bareDoc
			var term, monthly, buyout sql.NullInt64
			var catID, catSort sql.NullInt64
			var catName, catSlug sql.NullString
			if err := rs.Scan(&r.ID, &r.SKU, &r.Name, &r.Description, &r.Kind, &r.Unit, &r.Active, &r.QuoteOnly,
				&r.VATPercent, &r.ListPriceCents, &term, &monthly, &buyout, &r.SetupRequired,
				&r.NoticeMonths, &r.EndReminderMonths, &r.Version, &r.Availability.State, &r.Availability.LeadTimeDays, &r.Availability.AvailableFrom,
				&catID, &catName, &catSlug, &catSort); err != nil {
				return nil, err
			}
			r.KindLabel = catalog.KindLabel(r.Kind)
			r.PriceNetCents = r.ListPriceCents
			r.GrossCents = r.ListPriceCents + money.VAT(r.ListPriceCents, r.VATPercent)
			r.PriceSource.Type = "list"
			r.MinQuantity = 1
			if catID.Valid {
				r.Category = &catalog.Category{ID: catID.Int64, Name: catName.String, Slug: catSlug.String, Sort: int(catSort.Int64)}
			}
			if r.Kind == catalog.KindRental {
				r.Rental = &struct {
					TermMonths   *int64 `json:"term_months"`
					MonthlyCents *int64 `json:"monthly_cents"`
					BuyoutCents  *int64 `json:"buyout_cents"`
				}{&term.Int64, &monthly.Int64, &buyout.Int64}
			}
			out = append(out, r)
		}
		return out, rs.Err()
	}
	app := fiber.New()
	app.Get("/products-doc.json", func(c *fiber.Ctx) error {
		items, err := docs(c, 50)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items, "next_cursor": nil})
	})
	app.Get("/products.json", func(c *fiber.Ctx) error {
		items, err := rows(c, 50)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items, "next_cursor": nil})
	})
	app.Get("/catalog-doc", func(c *fiber.Ctx) error {
		items, err := docs(c, pageRows)
		if err != nil {
			return err
		}
		c.Type("html", "utf-8")
		return bareCardsPage.Execute(c.Response().BodyWriter(), map[string]any{"Items": items, "CSRF": "HEux3r9Jmr4wj0vWU3XFq-h-XFsCA36SHnAFVsCWTWA"})
	})
	app.Get("/catalog", func(c *fiber.Ctx) error {
		items, err := rows(c, pageRows)
		if err != nil {
			return err
		}
		c.Type("html", "utf-8")
		return barePage.Execute(c.Response().BodyWriter(), items)
	})
	return app
}

// bareGet sends one GET with header h through app.Test and reads the
// body: the same transport for the application and the baselines
// (webtest's client would add its CSRF scan of every page).
func bareGet(b *testing.B, app *fiber.App, path string, h http.Header) (int, string) {
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	return res.StatusCode, string(body)
}
