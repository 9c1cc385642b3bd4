package ui

import (
	"strings"
	"testing"

	"coopshop/internal/catalog"
	"coopshop/internal/orderlist"
	"coopshop/internal/web/api"
)

// TestCatalogCardsEscape: every value a card shows – product texts, the
// category, the page to come back to, the order lists' names – is
// escaped, in element content and in attributes alike.
func TestCatalogCardsEscape(t *testing.T) {
	evil := `<script>alert("x")</script>&'`
	escaped := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;`
	p := &catalog.Product{ID: 7, SKU: evil, Name: evil, Kind: catalog.KindHardware, Unit: evil, Active: true, ListPriceCents: 123456, VATPercent: 19,
		Category: &catalog.Category{ID: 1, Name: evil}}
	it := api.NewCatalogItem(p, catalog.ListPrice(p), false)
	lists := listOptions([]*orderlist.List{{ID: 3, Name: evil}})
	for _, tc := range []struct {
		name      string
		forms     cardForms
		want      []string
		wantCount int
	}{
		{"member with both forms", cardForms{CSRF: `tok"en`, Back: `/catalog?q="><x`, CanCart: true, CanList: true, ListOptions: lists},
			[]string{`href="/catalog/products/7"`, `>` + escaped + `</a>`, `<code>` + escaped + `</code> · Hardware · ` + escaped, `1.234,56 €</strong> netto je ` + escaped,
				`value="tok&#34;en"`, `value="/catalog?q=&#34;&gt;&lt;x"`, `aria-label="Menge ` + escaped + `"`, `<option value="3">` + escaped + `</option>`,
				`aria-label="` + escaped + ` auf die Bestellliste"`}, 10},
		{"without forms", cardForms{}, []string{`Listenpreis – Angebot nötig`, `data-testid="availability">Lieferbar</span>`}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html := string(catalogCards([]api.CatalogItem{it}, tc.forms))
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("missing %s in\n%s", w, html)
				}
			}
			if strings.Contains(html, "<script") || strings.Contains(html, `"><x`) {
				t.Errorf("unescaped value in\n%s", html)
			}
			if n := strings.Count(html, escaped); n != tc.wantCount {
				t.Errorf("%d escaped values, want %d:\n%s", n, tc.wantCount, html)
			}
			if !tc.forms.CanCart && strings.Contains(html, "<form") {
				t.Errorf("forms without the right:\n%s", html)
			}
		})
	}
}
