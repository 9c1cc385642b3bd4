package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// inboxPage is GET /inbox, "Zur Genehmigung": orders waiting for a stage
// the viewer may decide, oldest first.
func (h *Handler) inboxPage(c *fiber.Ctx) error {
	orders, err := h.Orders.Inbox(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	rows := inboxRows(orders, func(o *order.Order) int { return h.ageDays(o.SubmittedAt) })
	// Quotations wait for the member's approval too (accepting one is it).
	quotes, err := h.Quotes.Inbox(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	// Requests nobody may decide any more, for the member admin (DESIGN
	// §3: shown, never silently parked), and whom the viewer stands in for.
	stuck, err := h.Orders.Stuck(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	return h.Render(c, "inbox", fiber.Map{"Title": "Zur Genehmigung", "Rows": rows, "Quotes": quotes, "Stuck": stuck,
		"StandingIn": web.Principal(c).StandingIn(), "CanNameDeputy": h.Authz.Allowed(web.Principal(c).Subject, "name", authz.DeputyName.On())})
}
