package ui

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// invoiceFilter is the filter form of the invoice list as typed.
type invoiceFilter struct {
	State, Member, From, To string
	Overdue                 bool
}

// query is the filter as a query string, for the next page's link.
func (f invoiceFilter) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"state": f.State, "member_id": f.Member, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Overdue {
		q.Set("overdue", "true")
	}
	return q.Encode()
}

// invoiceSums are the sums of a list: credit notes count negative.
type invoiceSums struct {
	NetCents, GrossCents, OpenCents int64
	Count                           int
}

func sumInvoices(invs []*invoice.Invoice) invoiceSums {
	var s invoiceSums
	for _, inv := range invs {
		sign := int64(1)
		if inv.Kind == invoice.KindCreditNote {
			sign = -1
		}
		s.NetCents += sign * inv.NetCents
		s.GrossCents += sign * inv.GrossCents
		s.OpenCents += inv.OpenCents()
		s.Count++
	}
	return s
}

// invoicesPage is GET /invoices?state=&member_id=&from=&to=&overdue=true
// &cursor=: the invoices and credit notes the viewer may see, newest
// first, with the sums of what is shown; a member's users see their own
// member's (the member filter is finance's).
func (h *Handler) invoicesPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	lq := web.NewListQuery(c)
	f := invoiceFilter{State: c.Query("state"), Member: c.Query("member_id"), From: c.Query("from"), To: c.Query("to"),
		Overdue: lq.OneOf("overdue", "true", "false") == "true"}
	filter := invoice.Filter{Limit: 100, BeforeID: lq.ID("cursor"), States: web.States(lq, "state", invoice.States),
		MemberID: lq.ID("member_id"), Overdue: f.Overdue}
	filter.From = pageDate(lq, "from", f.From)
	filter.To = pageDate(lq, "to", f.To)
	if err := lq.Err(); err != nil {
		return err
	}
	invs, err := h.Invoices.List(c.UserContext(), *p, filter)
	if err != nil {
		return err
	}
	var members []account.Organisation
	if h.Invoices.ReadsAll(*p) {
		if members, err = h.Invoices.Members(c.UserContext(), *p); err != nil {
			return err
		}
	}
	next := ""
	if len(invs) == filter.Limit {
		q := f.query()
		if q != "" {
			q += "&"
		}
		next = "/invoices?" + q + "cursor=" + strconv.FormatInt(invs[len(invs)-1].ID, 10)
	}
	return h.Render(c, "invoices", fiber.Map{"Title": "Rechnungen", "Invoices": invs, "Sums": sumInvoices(invs), "Filter": f,
		"States": invoice.States, "Members": members, "Next": next, "Today": h.Today(), "Paged": filter.BeforeID != 0})
}

// pageDate reads a date filter of a page (22.11.2026 or 2026-11-22, as
// date inputs send it); a malformed one is a field error of lq.
func pageDate(lq *web.ListQuery, name, raw string) calendar.Date {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return calendar.Date{}
	}
	d, err := calendar.Parse(raw)
	if err != nil {
		lq.Fail(name, "Bitte ein Datum als TT.MM.JJJJ angeben.")
	}
	return d
}
