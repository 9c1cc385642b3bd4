package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
	"coopshop/internal/web"
)

// inboxRow is an order waiting for a decision, with how long it waits.
type inboxRow struct {
	*order.Order
	Days  int
	Stage *order.Stage
	Of    int
}

func inboxRows(orders []*order.Order, since func(*order.Order) int) []inboxRow {
	out := make([]inboxRow, 0, len(orders))
	for _, o := range orders {
		out = append(out, inboxRow{Order: o, Days: since(o), Stage: o.OpenStage(), Of: len(o.RoundStages())})
	}
	return out
}

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
	return h.Render(c, "inbox", fiber.Map{"Title": "Zur Genehmigung", "Rows": rows, "Quotes": quotes})
}

// salesInboxPage is GET /sales/orders, "Eingang Vertrieb": approved
// orders of all members, oldest first.
func (h *Handler) salesInboxPage(c *fiber.Ctx) error {
	orders, err := h.Orders.SalesInbox(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	rows := inboxRows(orders, func(o *order.Order) int { return h.ageDays(o.UpdatedAt) })
	return h.Render(c, "sales_orders", fiber.Map{"Title": "Eingang Vertrieb", "Rows": rows})
}
