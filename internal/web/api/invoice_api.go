package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// invoiceIssueJSON is the body of POST /api/v1/invoices.
type invoiceIssueJSON struct {
	OrderID    int64 `json:"order_id"`
	DeliveryID int64 `json:"delivery_id"`
}

// apiInvoiceIssue is POST /api/v1/invoices {"order_id","delivery_id"}:
// finance invoices one delivery of an order, or everything delivered and
// not yet invoiced; 201 with the invoice. Idempotency-Key as for orders.
func (h *Handler) apiInvoiceIssue(c *fiber.Ctx) error {
	var in invoiceIssueJSON
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	key, err := web.IdempotencyOf(c)
	if err != nil {
		return err
	}
	inv, replay, err := h.Invoices.Issue(c.UserContext(), *web.Principal(c), invoice.IssueInput{OrderID: in.OrderID, DeliveryID: in.DeliveryID, Idempotency: key})
	if err != nil {
		return err
	}
	return h.invoiceCreated(c, inv, replay)
}

// invoiceCreated answers 201 with an invoice (or credit note) and its
// Location; Idempotent-Replayed when it is the first answer again.
func (h *Handler) invoiceCreated(c *fiber.Ctx, inv *invoice.Invoice, replay bool) error {
	if replay {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderLocation, "/api/v1/invoices/"+strconv.FormatInt(inv.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(invoiceOf(inv, h.Today(), true))
}

// apiInvoices is GET /api/v1/invoices?state=&kind=&member_id=&order_id=
// &from=&to=&overdue=true&limit=&cursor=: newest first; a member's users
// see their own member's. Every malformed parameter is a 422.
func (h *Handler) apiInvoices(c *fiber.Ctx) error {
	lq := web.NewListQuery(c)
	f := invoice.Filter{Limit: lq.Limit(50, 500), BeforeID: lq.ID("cursor"), States: web.States(lq, "state", invoice.States),
		Kind:     invoice.Kind(lq.OneOf("kind", string(invoice.KindInvoice), string(invoice.KindCreditNote))),
		MemberID: lq.ID("member_id"), OrderID: lq.ID("order_id"), From: listDate(lq, c, "from"), To: listDate(lq, c, "to"),
		Overdue: lq.OneOf("overdue", "true", "false") == "true"}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		lq.Fail("to", "Das Ende (to) liegt vor dem Anfang (from).")
	}
	if err := lq.Err(); err != nil {
		return err
	}
	invs, err := h.Invoices.List(c.UserContext(), *web.Principal(c), f)
	if err != nil {
		return err
	}
	out := List[invoiceJSON]{Items: []invoiceJSON{}}
	today := h.Today()
	for _, inv := range invs {
		out.Items = append(out.Items, h.forViewer(c, invoiceOf(inv, today, false)))
	}
	if len(invs) == f.Limit {
		cur := strconv.FormatInt(invs[len(invs)-1].ID, 10)
		out.NextCursor = &cur
	}
	return c.JSON(out)
}

// listDate is an optional date parameter, RFC 3339 full-date only
// (YYYY-MM-DD, API.md); anything else is recorded as a field error of lq.
func listDate(lq *web.ListQuery, c *fiber.Ctx, name string) calendar.Date {
	raw := c.Query(name)
	if raw == "" {
		return calendar.Date{}
	}
	t, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		lq.Fail(name, "Kein gültiges Datum (JJJJ-MM-TT).")
		return calendar.Date{}
	}
	return calendar.New(t.Year(), t.Month(), t.Day())
}

// apiInvoice is GET /api/v1/invoices/{id}; another member's is a 404.
func (h *Handler) apiInvoice(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.Invoices.Get(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(h.forViewer(c, invoiceOf(inv, h.Today(), true)))
}

// forViewer drops what only the provider's staff read from an invoice: a
// member's users see that reminders are blocked, not finance's reason.
func (h *Handler) forViewer(c *fiber.Ctx, out invoiceJSON) invoiceJSON {
	if out.ReminderBlock != nil && !h.Authz.Allowed(web.Principal(c).Subject, authz.InvoiceRead.Action, authz.AcrossOrgs("invoice")) {
		out.ReminderBlock = &reminderBlockJSON{BlockedAt: out.ReminderBlock.BlockedAt}
	}
	return out
}

// apiInvoiceImmutable answers PATCH, PUT and DELETE on an invoice: an
// issued invoice never changes (a correction is a credit note), 405.
func (h *Handler) apiInvoiceImmutable(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAllow, "GET")
	return fiber.NewError(fiber.StatusMethodNotAllowed, "Eine ausgestellte Rechnung ändert sich nie; eine Korrektur ist eine Gutschrift (POST /api/v1/invoices/{id}/credit-note).")
}

// invoicePDF is GET /api/v1/invoices/{id}/pdf (and /invoices/{id}/pdf):
// the stored PDF, byte-identical on every download.
func (h *Handler) invoicePDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Invoices.PDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}

// creditLineJSON names a line of the invoice and the quantity credited.
type creditLineJSON struct {
	LineNo   int   `json:"line_no"`
	Quantity int64 `json:"quantity"`
}

// apiInvoiceCredit is POST /api/v1/invoices/{id}/credit-note
// {"reason","lines"}: without lines the whole invoice (it becomes
// cancelled), with lines a partial credit note; 201 with the credit note.
func (h *Handler) apiInvoiceCredit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string           `json:"reason"`
		Lines  []creditLineJSON `json:"lines"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ci := invoice.CreditInput{Reason: in.Reason}
	for _, l := range in.Lines {
		ci.Lines = append(ci.Lines, invoice.CreditLine{LineNo: l.LineNo, Quantity: l.Quantity})
	}
	if ci.Idempotency, err = web.IdempotencyOf(c); err != nil {
		return err
	}
	cn, replay, err := h.Invoices.CreditNote(c.UserContext(), *web.Principal(c), id, ci)
	if err != nil {
		return err
	}
	return h.invoiceCreated(c, cn, replay)
}

// apiInvoicePayment is POST /api/v1/invoices/{id}/payments
// {"amount_cents","paid_on","reference"}: finance records a bank
// transfer; 201 with the updated invoice.
func (h *Handler) apiInvoicePayment(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		AmountCents int64         `json:"amount_cents"`
		PaidOn      calendar.Date `json:"paid_on"`
		Reference   string        `json:"reference"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	pi := invoice.PaymentInput{AmountCents: in.AmountCents, PaidOn: in.PaidOn, Reference: in.Reference}
	if pi.Idempotency, err = web.IdempotencyOf(c); err != nil {
		return err
	}
	inv, replay, err := h.Invoices.RecordPayment(c.UserContext(), *web.Principal(c), id, pi)
	if err != nil {
		return err
	}
	return h.invoiceCreated(c, inv, replay)
}
