package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// BenchmarkCatalog measures the catalog JSON (/api/v1/products?limit=50
// with the purchaser's member prices) and the catalog page next to their
// bare baselines in the same run (issue 15): a bare fiber handler running
// one plain query for the same 50 rows and encoding them as JSON, and a
// bare html/template page of the same rows (the page shows 30 per page,
// so both render 30). All four go through
// fiber's app.Test, so the transport costs the same. SQLite, or
// PostgreSQL when TEST_DATABASE_URL is set; it prints the ratios.
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
	_, body := bareGet(b, bare, "/products.json", nil)
	if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Items) != 50 {
		b.Fatalf("bare JSON answers %d products (%v), want 50", len(page.Items), err)
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
	run("page", func() (int, string) { return bareGet(b, a.Web.App, "/catalog", session) })
	run("page_bare", func() (int, string) { return bareGet(b, bare, "/catalog", nil) })

	ratio := func(app, base string) float64 {
		if perOp[app] == 0 {
			return 0
		}
		return float64(perOp[base]) / float64(perOp[app])
	}
	fmt.Fprintf(os.Stderr, "catalog on %s: JSON %.0f%% of the bare handler (target ≥ 50%%), page %.0f%% of the bare page (target ≥ 50%%)\n",
		d, 100*ratio("json", "json_bare"), 100*ratio("page", "page_bare"))
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
	app := fiber.New()
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
