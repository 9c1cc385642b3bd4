package ui

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/catalog"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// catalogPage is /catalog: categories at the side, search and filters, the
// products with the caller's prices.
func (h *Handler) catalogPage(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), web.Principal(c)
	v := h.Catalog.ViewerFor(*p)
	today := h.Catalog.Today()
	f, err := api.CatalogFilter(c)
	if err != nil {
		return err
	}
	f.Limit = 30
	page, err := h.Catalog.Search(ctx, *p, f)
	if err != nil {
		return err
	}
	items, err := api.CatalogItems(c, h.Catalog, page.Products)
	if err != nil {
		return err
	}
	cats, err := h.Catalog.Categories(ctx, *p)
	if err != nil {
		return err
	}
	contracts, _, err := h.Catalog.Contracts(ctx, *p, 0, "")
	if err != nil {
		return err
	}
	var contractOpts []option
	for _, ct := range contracts {
		if ct.State(today) == catalog.StateValid {
			contractOpts = append(contractOpts, option{strconv.FormatInt(ct.ID, 10), ct.Number + " – " + ct.Title})
		}
	}
	query := func(category int64, cursor string) string {
		q := url.Values{}
		for k, v := range map[string]string{"q": f.Q, "kind": f.Kind, "contract": c.Query("contract"), "cursor": cursor} {
			if v != "" {
				q.Set(k, v)
			}
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
	links := []catLink{{"Alle Kategorien", query(0, ""), f.CategoryID == 0}}
	for _, cat := range cats {
		links = append(links, catLink{cat.Name, query(cat.ID, ""), cat.ID == f.CategoryID})
	}
	next := ""
	if page.NextCursor != "" {
		next = query(f.CategoryID, page.NextCursor)
	}
	return h.Render(c, "catalog", fiber.Map{
		"Title": "Katalog", "Items": items, "Categories": links, "Kinds": kindOptions(), "Contracts": contractOpts,
		"Q": f.Q, "Kind": f.Kind, "Contract": c.Query("contract"), "Category": c.Query("category"), "Next": next,
		"Paged": f.Cursor != "", "First": query(f.CategoryID, ""), "Provider": v.Provider(), "CanManage": h.Catalog.CanManage(*web.Principal(c)),
	})
}
