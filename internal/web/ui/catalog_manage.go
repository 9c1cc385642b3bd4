package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// catalogManagePage is /catalog/manage: every product, active or not,
// searchable, with edit and deactivate.
func (h *Handler) catalogManagePage(c *fiber.Ctx) error {
	f := catalog.Filter{Q: c.Query("q"), Kind: c.Query("kind"), Cursor: c.Query("cursor"), Limit: 50}
	page, err := h.Catalog.Search(c.UserContext(), *web.Principal(c), f)
	if err != nil {
		return err
	}
	next := ""
	if page.NextCursor != "" {
		next = "/catalog/manage?q=" + url.QueryEscape(f.Q) + "&kind=" + url.QueryEscape(f.Kind) + "&cursor=" + page.NextCursor
	}
	return h.Render(c, "catalog_manage", fiber.Map{"Title": "Katalogpflege", "Products": page.Products, "Q": f.Q, "Kind": f.Kind,
		"Kinds": kindOptions(), "Next": next, "KindLabel": catalog.KindLabel})
}
