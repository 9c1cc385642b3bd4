package ui

import (
	"html/template"
	"strconv"
	"strings"

	"coopshop/internal/catalog"
	"coopshop/internal/money"
	"coopshop/internal/orderlist"
	"coopshop/internal/web/api"
)

// cardForms is what the forms of every product card share: the session's
// CSRF token, the page to come back to, which forms the user may use and
// the order lists to choose from.
type cardForms struct {
	CSRF, Back       string
	CanCart, CanList bool
	ListOptions      template.HTML
}

// catalogCards writes the product cards (<li class="product-card">) of
// the catalog page. They are written here rather than by the template:
// the page shows 30 of them with some 25 values each, and html/template
// pays a call per value (issue 15: it cost more than everything else of
// the page together). Every value is escaped by escape; attributes are
// always quoted.
func catalogCards(items []api.CatalogItem, f cardForms) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 2200) // a card with both forms is some 2 KB
	w := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
		}
	}
	e := func(s string) { escaper.WriteString(&b, s) }
	csrf, back := escaper.Replace(f.CSRF), escaper.Replace(f.Back)
	for _, it := range items {
		id, name := strconv.FormatInt(it.ID, 10), escaper.Replace(it.Name)
		w(`<li class="product-card"><div class="product-head"><a href="/catalog/products/`, id, `" class="product-name">`, name, `</a> <span class="badge `)
		e(it.Badge.Class)
		w(`" data-testid="price-badge">`)
		e(it.Badge.Text)
		w(`</span></div><div class="product-meta"><code>`)
		e(it.SKU)
		w(`</code> · `)
		e(it.KindLabel)
		if it.Category != nil {
			w(` · `)
			e(it.Category.Name)
		}
		w(`</div><div class="product-price">`)
		if it.PriceSource.Type == catalog.SourceQuote {
			w(`<span>Preis auf Anfrage</span>`)
		} else {
			w(`<strong data-testid="price-net">`, money.Format(it.PriceNetCents), `</strong> netto je `)
			e(it.Unit)
			w(` <span class="muted">(`, money.Format(it.GrossCents), ` brutto)</span>`)
		}
		w(`</div>`)
		if q := it.QuotaText(); q != "" {
			w(`<div class="product-quota">Kontingent: `)
			e(q)
			w(`</div>`)
		}
		a := it.Availability
		w(`<div class="product-availability"><span class="badge `, a.Tone(), `" data-testid="availability">`)
		e(a.Label())
		w(`</span></div>`)
		if f.CanCart {
			w(`<form method="post" action="/cart/items" class="quick-cart" data-testid="list-cart-form">`,
				`<input type="hidden" name="_csrf" value="`, csrf, `"><input type="hidden" name="product_id" value="`, id,
				`"><input type="hidden" name="next" value="`, back, `">`,
				`<label>Menge <input type="number" name="quantity" value="1" min="1" max="99999" step="1" required class="narrow-input" aria-label="Menge `, name, `"></label>`,
				` <button type="submit" aria-label="`, name, ` in den Warenkorb">In den Warenkorb</button></form>`)
		}
		if f.CanList {
			w(`<details class="to-list"><summary>Auf Bestellliste</summary>`,
				`<form method="post" action="/order-lists/items" class="quick-cart" data-testid="list-add-form">`,
				`<input type="hidden" name="_csrf" value="`, csrf, `"><input type="hidden" name="product_id" value="`, id,
				`"><input type="hidden" name="next" value="`, back, `">`,
				`<label>Menge <input type="number" name="quantity" value="1" min="1" max="99999" step="1" required class="narrow-input" aria-label="Menge `, name, ` für die Bestellliste"></label>`,
				` <label>Liste <select name="list_id" aria-label="Bestellliste für `, name, `">`, string(f.ListOptions), `</select></label>`,
				` <button type="submit" aria-label="`, name, ` auf die Bestellliste">Auf Bestellliste</button></form></details>`)
		}
		w("</li>\n")
	}
	return template.HTML(b.String())
}

// escaper escapes text for HTML element content and quoted attribute
// values, as html.EscapeString does.
var escaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// listOptions are the <option>s of the order lists the user may add to,
// escaped once for all the cards of the page instead of per card.
func listOptions(lists []*orderlist.List) template.HTML {
	var b strings.Builder
	for _, l := range lists {
		b.WriteString(`<option value="`)
		b.WriteString(strconv.FormatInt(l.ID, 10))
		b.WriteString(`">`)
		escaper.WriteString(&b, l.Name)
		b.WriteString(`</option>`)
	}
	b.WriteString(`<option value="new">Neue Liste „Merkliste“</option>`)
	return template.HTML(b.String())
}
