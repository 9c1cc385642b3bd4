package ui

import (
	"html/template"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// catalogPage is /catalog: categories at the side, search and filters, the
// products with the caller's prices.
func (h *Handler) catalogPage(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), web.Principal(c)
	f, err := api.CatalogFilter(c)
	if err != nil {
		return err
	}
	f.Limit = catalogPageSize
	f.Cursor = ""
	f.Sort = catalog.Sort(c.Query("sort"))
	pageNo := 1
	if n, perr := strconv.Atoi(c.Query("page")); perr == nil && n > 1 {
		pageNo = n
	}
	f.Offset = (pageNo - 1) * catalogPageSize
	page, err := h.Catalog.List(ctx, *p, f, true)
	if err != nil {
		return err
	}
	total, items := page.Total, api.ListedItems(page)
	cats, contracts, err := h.Catalog.Facets(ctx, *p)
	if err != nil {
		return err
	}
	contractOpts := make([]option, 0, len(contracts))
	for _, ct := range contracts {
		contractOpts = append(contractOpts, option{strconv.FormatInt(ct.ID, 10), ct.Number + " – " + ct.Title})
	}
	query := func(category int64, pageNo int) string {
		q := url.Values{}
		for k, v := range map[string]string{"q": f.Q, "kind": f.Kind, "contract": c.Query("contract"), "sort": string(f.Sort)} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if pageNo > 1 {
			q.Set("page", strconv.Itoa(pageNo))
		}
		if category != 0 {
			q.Set("category", strconv.FormatInt(category, 10))
		}
		if len(q) == 0 {
			return "/catalog"
		}
		return "/catalog?" + q.Encode()
	}
	type catLink struct {
		Name, Href string
		Current    bool
	}
	links := []catLink{{"Alle Kategorien", query(0, 0), f.CategoryID == 0}}
	for _, cat := range cats {
		links = append(links, catLink{cat.Name, query(cat.ID, 0), cat.ID == f.CategoryID})
	}
	pages := (total + catalogPageSize - 1) / catalogPageSize
	var pageLinks []pageLink
	for i := 1; i <= pages; i++ {
		pageLinks = append(pageLinks, pageLink{No: i, Href: query(f.CategoryID, i), Current: i == pageNo})
	}
	prev, next := "", ""
	if pageNo > 1 {
		prev = query(f.CategoryID, pageNo-1)
	}
	if pageNo < pages {
		next = query(f.CategoryID, pageNo+1)
	}
	from, to := f.Offset+1, f.Offset+len(items)
	// "Auf Bestellliste" (issue 14): the lists the user may add to.
	canCart := h.Authz.Allowed(p.Subject, authz.CartUse.Action, authz.CartUse.On())
	canList := h.Authz.Allowed(p.Subject, authz.OrderListManage.Action, authz.OrderListManage.On())
	var lists template.HTML
	if canList {
		lists = listOptions(h.OrderLists.Writable(ctx, *p))
	}
	csrf := ""
	if sess := web.Session(c); sess != nil {
		csrf = sess.CSRFToken
	}
	return h.Render(c, "catalog", fiber.Map{
		"Title": "Katalog", "Cards": catalogCards(items, cardForms{CSRF: csrf, Back: c.OriginalURL(), CanCart: canCart, CanList: canList, ListOptions: lists}),
		"Count": len(items), "Categories": links, "Kinds": kindOptions(), "Contracts": contractOpts,
		"Q": f.Q, "Kind": f.Kind, "Contract": c.Query("contract"), "Category": c.Query("category"), "Next": next, "Prev": prev,
		"Pages": pageLinks, "Total": total, "From": from, "To": to, "Sort": string(f.Sort), "Sorts": catalogSorts,
		"Provider": page.Viewer.Provider(), "CanManage": h.Catalog.CanManage(*p),
		// "Auf Bestellliste" (issue 14): the lists the user may add to.
	})
}

// catalogPageSize is how many products one page of the catalog shows.
const catalogPageSize = 30

// pageLink is one numbered page link of a list.
type pageLink struct {
	No      int
	Href    string
	Current bool
}

// catalogSorts are the orders the catalog offers.
var catalogSorts = []option{
	{string(catalog.SortName), "Name A–Z"}, {string(catalog.SortNameDesc), "Name Z–A"}, {string(catalog.SortSKU), "Artikelnummer"},
	{string(catalog.SortPrice), "Listenpreis aufsteigend"}, {string(catalog.SortPriceDesc), "Listenpreis absteigend"},
}
