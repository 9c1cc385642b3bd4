package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/catalog"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// quotaWarning says plainly when the product's cart line, as now priced,
// lost its contract price (a quantity above the remaining quota, below
// the minimum quantity): the whole line then counts at list price and
// needs a quotation. "" when the line is under contract or not there.
func (h *Handler) quotaWarning(c *fiber.Ctx, productID int64, name string) string {
	v, err := h.Carts.View(c.UserContext(), *web.Principal(c))
	if err != nil {
		return ""
	}
	for _, l := range v.Lines {
		if l.Product.ID != productID || !l.Available || l.Price.Source == catalog.SourceContract || l.Price.Note == "" || l.Price.Source == catalog.SourceQuote {
			continue
		}
		return "„" + name + "“ gilt nicht zum Vertragspreis: " + l.Price.Note + ". Die ganze Position zählt zum Listenpreis von " +
			money.Format(l.Price.UnitCents) + " je " + l.Product.Unit + " und braucht ein Angebot des Vertriebs. Verringern Sie die Menge, um den Vertragspreis zu behalten."
	}
	return ""
}

// cartLineName is the product name of a cart line, for messages.
func (h *Handler) cartLineName(c *fiber.Ctx, productID int64) string {
	if v, err := h.Carts.View(c.UserContext(), *web.Principal(c)); err == nil {
		for _, l := range v.Lines {
			if l.Product.ID == productID {
				return l.Product.Name
			}
		}
	}
	return "Position"
}
