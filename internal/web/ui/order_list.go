package ui

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/export"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderSearch is the order list's search form as typed.
type orderSearch struct {
	State, Number, CostCentre, From, To string
}

// query is the search as URL parameters (for the pager and the CSV link).
func (s orderSearch) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"state": s.State, "number": s.Number, "cost_centre": s.CostCentre, "from": s.From, "to": s.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// orderFilter reads the order list's search: state, a part of the order
// number, the start of the cost centre, the days of submission.
func orderFilter(c *fiber.Ctx) (order.Filter, orderSearch, error) {
	lq := web.NewListQuery(c)
	s := orderSearch{State: c.Query("state"), Number: strings.TrimSpace(c.Query("number")),
		CostCentre: strings.TrimSpace(c.Query("cost_centre")), From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	f := order.Filter{Limit: 50, BeforeID: lq.ID("cursor"), States: web.States(lq, "state", order.States), Number: s.Number, CostCentre: s.CostCentre}
	if err := lq.Err(); err != nil {
		return f, s, err
	}
	var fe []apperr.FieldError
	for _, d := range []struct {
		field, raw string
		into       *calendar.Date
	}{{"from", s.From, &f.From}, {"to", s.To, &f.To}} {
		if d.raw == "" {
			continue
		}
		v, err := calendar.Parse(d.raw)
		if err != nil {
			fe = append(fe, apperr.FieldError{Field: d.field, Message: "Bitte ein Datum wie 22.11.2026 angeben."})
			continue
		}
		*d.into = v
	}
	if len(fe) > 0 {
		return f, s, apperr.Fields("Bitte prüfen Sie die Suche.", fe...)
	}
	return f, s, nil
}

// ordersPage is GET /orders: the orders the viewer may see, newest first,
// searched by state, number, cost centre and day of submission.
func (h *Handler) ordersPage(c *fiber.Ctx) error {
	f, s, err := orderFilter(c)
	data := fiber.Map{"Title": "Bestellungen", "S": s, "States": order.States, "Errors": fieldErrorMap(err)}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		data["Error"] = apperr.MessageOf(err)
		return h.Render(c, "orders", data)
	}
	orders, err := h.Orders.List(c.UserContext(), *web.Principal(c), f)
	if err != nil {
		return err
	}
	q := s.query()
	if len(orders) == f.Limit {
		nq := s.query()
		nq.Set("cursor", strconv.FormatInt(orders[len(orders)-1].ID, 10))
		data["Next"] = "/orders?" + nq.Encode()
	}
	if f.BeforeID != 0 {
		data["First"] = "/orders?" + q.Encode()
	}
	data["Orders"] = orders
	data["CSV"] = "/orders/export.csv?" + q.Encode()
	data["Searched"] = len(q) > 0
	return h.Render(c, "orders", data)
}

// maxOrderExport bounds the rows of one CSV export of the order list.
const maxOrderExport = 10000

// ordersCSV is GET /orders/export.csv: the orders the list's search finds
// (all pages, up to maxOrderExport) as CSV, formula-safe.
func (h *Handler) ordersCSV(c *fiber.Ctx) error {
	f, _, err := orderFilter(c)
	if err != nil {
		return err
	}
	f.Limit, f.BeforeID = 500, 0
	var all []*order.Order
	for len(all) < maxOrderExport {
		page, err := h.Orders.List(c.UserContext(), *web.Principal(c), f)
		if err != nil {
			return err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="Bestellungen.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return export.WriteOrdersCSV(c, all)
}
