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
// so both render 30). The JSON has two baselines: seven columns of each
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
	if _, html := bareGet(b, a.Web.App, "/catalog", session); strings.Count(html, `href="/catalog/products/`) != pageRows {
		b.Fatalf("catalog page links %d products, want %d", strings.Count(html, `href="/catalog/products/`), pageRows)
	}
	run("json", func() (int, string) { return bareGet(b, a.Web.App, "/api/v1/products?limit=50", bearer) })
	run("json_bare", func() (int, string) { return bareGet(b, bare, "/products.json", nil) })
	run("json_bare_doc", func() (int, string) { return bareGet(b, bare, "/products-doc.json", nil) })
	run("page", func() (int, string) { return bareGet(b, a.Web.App, "/catalog", session) })
	run("page_bare", func() (int, string) { return bareGet(b, bare, "/catalog", nil) })

	ratio := func(app, base string) float64 {
		if perOp[app] == 0 {
			return 0
		}
		return float64(perOp[base]) / float64(perOp[app])
	}
	fmt.Fprintf(os.Stderr, "catalog on %s: JSON %.0f%% of the bare handler of 7 columns, %.0f%% of the bare handler of the API's document (target ≥ 50%%), page %.0f%% of the bare page (target ≥ 50%%)\n",
		d, 100*ratio("json", "json_bare"), 100*ratio("json", "json_bare_doc"), 100*ratio("page", "page_bare"))
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
