package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
)

// ordersPage is GET /orders?state=&cursor=: the orders the viewer may
// see, newest first.
func (s *Server) ordersPage(c *fiber.Ctx) error {
	lq := newListQuery(c)
	f := order.Filter{Limit: 50, BeforeID: lq.id("cursor"), States: states(lq, "state", order.States)}
	state := c.Query("state")
	if err := lq.err(); err != nil {
		return err
	}
	orders, err := s.Orders.List(c.UserContext(), *principal(c), f)
	if err != nil {
		return err
	}
	next := ""
	if len(orders) == f.Limit {
		next = strconv.FormatInt(orders[len(orders)-1].ID, 10)
	}
	return s.render(c, "orders", fiber.Map{"Title": "Bestellungen", "Orders": orders, "State": state, "States": order.States, "Next": next})
}

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
func (s *Server) inboxPage(c *fiber.Ctx) error {
	orders, err := s.Orders.Inbox(c.UserContext(), *principal(c))
	if err != nil {
		return err
	}
	rows := inboxRows(orders, func(o *order.Order) int { return s.ageDays(o.SubmittedAt) })
	// Quotations wait for the member's approval too (accepting one is it).
	quotes, err := s.Quotes.Inbox(c.UserContext(), *principal(c))
	if err != nil {
		return err
	}
	return s.render(c, "inbox", fiber.Map{"Title": "Zur Genehmigung", "Rows": rows, "Quotes": quotes})
}

// salesInboxPage is GET /sales/orders, "Eingang Vertrieb": approved
// orders of all members, oldest first.
func (s *Server) salesInboxPage(c *fiber.Ctx) error {
	orders, err := s.Orders.SalesInbox(c.UserContext(), *principal(c))
	if err != nil {
		return err
	}
	rows := inboxRows(orders, func(o *order.Order) int { return s.ageDays(o.UpdatedAt) })
	return s.render(c, "sales_orders", fiber.Map{"Title": "Eingang Vertrieb", "Rows": rows})
}
