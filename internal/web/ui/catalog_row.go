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

// catalogRow is one product card of the catalog page with its texts
// formatted in Go, so that the template does one plain lookup per value
// and calls no function per row (issue 15: the page renders 30 of them).
type catalogRow struct {
	ID                         int64
	Name, SKU, Meta            string // Meta: "Hardware · Notebooks"
	BadgeText, BadgeClass      string
	Quote                      bool   // price on request
	Net, Gross, Unit           string // "849,00 €"
	Quota                      string // "noch 40 von 250 …", "" without a quota
	AvailLabel, AvailTone      string
	CartLabel, QtyLabel        string // the quick cart form's aria-labels
	ListQtyLabel, ListSelLabel string // the order list form's aria-labels
	ListLabel                  string
}

// catalogRows formats the items of a catalog page.
func catalogRows(items []api.CatalogItem) []catalogRow {
	out := make([]catalogRow, len(items))
	for i, it := range items {
		var b strings.Builder
		b.WriteString(it.KindLabel)
		if it.Category != nil {
			b.WriteString(" · ")
			b.WriteString(it.Category.Name)
		}
		a := it.Availability
		r := catalogRow{ID: it.ID, Name: it.Name, SKU: it.SKU, Meta: b.String(), BadgeText: it.Badge.Text, BadgeClass: it.Badge.Class,
			Quote: it.PriceSource.Type == catalog.SourceQuote, Unit: it.Unit, Quota: it.QuotaText(),
			AvailLabel: a.Label(), AvailTone: a.Tone(),
			CartLabel: it.Name + " in den Warenkorb", QtyLabel: "Menge " + it.Name,
			ListQtyLabel: "Menge " + it.Name + " für die Bestellliste", ListSelLabel: "Bestellliste für " + it.Name,
			ListLabel: it.Name + " auf die Bestellliste"}
		if !r.Quote {
			r.Net, r.Gross = money.Format(it.PriceNetCents), money.Format(it.GrossCents)
		}
		out[i] = r
	}
	return out
}

// listOptions are the <option>s of the order lists the user may add to,
// escaped once for all the cards of the page instead of per card.
func listOptions(lists []*orderlist.List) template.HTML {
	var b strings.Builder
	for _, l := range lists {
		b.WriteString(`<option value="`)
		b.WriteString(strconv.FormatInt(l.ID, 10))
		b.WriteString(`">`)
		b.WriteString(template.HTMLEscapeString(l.Name))
		b.WriteString(`</option>`)
	}
	b.WriteString(`<option value="new">Neue Liste „Merkliste“</option>`)
	return template.HTML(b.String())
}
