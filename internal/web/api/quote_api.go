package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// apiQuotes is GET /api/v1/quotes?order_id=&state=&latest=&limit=&cursor=:
// newest first; members see their own member's sent and answered
// versions, the provider all. latest=1 keeps only the newest version of
// each quotation. awaiting=me lists instead the sent versions whose open
// approval stage the caller may decide (the inbox), oldest first.
func (h *Handler) apiQuotes(c *fiber.Ctx) error {
	if aw := c.Query("awaiting"); aw != "" {
		if aw != "me" {
			return apperr.Fields("Unbekannter Filter.", apperr.FieldError{Field: "awaiting", Message: "Erlaubt ist nur „me“."})
		}
		qs, err := h.Quotes.Inbox(c.UserContext(), *web.Principal(c))
		if err != nil {
			return err
		}
		out := List[quoteJSON]{Items: []quoteJSON{}}
		for _, q := range qs {
			out.Items = append(out.Items, h.quoteOf(web.Principal(c), q, false))
		}
		return c.JSON(out)
	}
	lq := web.NewListQuery(c)
	f := quote.Filter{Limit: lq.Limit(50, 200), BeforeID: lq.ID("cursor"), OrderID: lq.ID("order_id"), States: web.States(lq, "state", quote.States)}
	latest := lq.OneOf("latest", "1", "true", "0", "false")
	f.LatestOnly = latest == "1" || latest == "true"
	if err := lq.Err(); err != nil {
		return err
	}
	p := web.Principal(c)
	qs, err := h.Quotes.List(c.UserContext(), *p, f)
	if err != nil {
		return err
	}
	out := List[quoteJSON]{Items: []quoteJSON{}}
	for _, q := range qs {
		out.Items = append(out.Items, h.quoteOf(p, q, false))
	}
	if len(qs) == f.Limit {
		cur := strconv.FormatInt(qs[len(qs)-1].ID, 10)
		out.NextCursor = &cur
	}
	return c.JSON(out)
}

// apiQuote is GET /api/v1/quotes/{id}; another member's version, or a
// draft for a member, is a 404.
func (h *Handler) apiQuote(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	q, err := h.Quotes.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	return c.JSON(h.quoteOf(p, q, true))
}

// apiQuoteVersions is GET /api/v1/quotes/{id}/versions: every version of
// the quotation the caller may see, oldest first.
func (h *Handler) apiQuoteVersions(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	vs, err := h.Quotes.Versions(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	out := List[quoteJSON]{Items: []quoteJSON{}}
	for _, q := range vs {
		out.Items = append(out.Items, h.quoteOf(p, q, false))
	}
	return c.JSON(out)
}

// apiQuoteUpdate is PATCH /api/v1/quotes/{id} {"version", "lines",
// "valid_until", "note", "payment_terms", "delivery_terms"}: changes a
// draft; lines replace all lines.
func (h *Handler) apiQuoteUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in quoteInJSON
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	qi, err := in.input()
	if err != nil {
		return err
	}
	p := web.Principal(c)
	q, err := h.Quotes.Update(c.UserContext(), *p, id, version, qi)
	if err != nil {
		return err
	}
	return c.JSON(h.quoteOf(p, q, true))
}

// apiQuoteStep is POST /api/v1/quotes/{id}/<step> {"version","comment"}.
func (h *Handler) apiQuoteStep(st quote.Step) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.ParamID(c, "id")
		if err != nil {
			return err
		}
		var b stepBody
		version, err := web.DecodeChange(c, &b)
		if err != nil {
			return err
		}
		q, err := h.QuoteStep(c, st, id, version, b.Comment)
		if err != nil {
			return err
		}
		return c.JSON(h.quoteOf(web.Principal(c), q, true))
	}
}

// apiQuoteCreate is POST /api/v1/quotes {"member_id","title","lines",
// "valid_until","note"}: sales starts a project quotation for a member
// without an order; 201 with the draft v1.
func (h *Handler) apiQuoteCreate(c *fiber.Ctx) error {
	var in projectInJSON
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	lines, err := lineInputs(in.Lines)
	if err != nil {
		return err
	}
	pi := quote.ProjectInput{MemberID: in.MemberID, Title: in.Title, Lines: lines, Note: in.Note}
	if in.ValidUntil != nil {
		pi.ValidUntil = *in.ValidUntil
	}
	p := web.Principal(c)
	q, err := h.Quotes.CreateProject(c.UserContext(), *p, pi)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/quotes/"+strconv.FormatInt(q.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(h.quoteOf(p, q, true))
}

// apiQuoteRequest is POST /api/v1/quotes/{id}/request {"version",
// "cost_centre","delivery_address_id","buyer_reference"}: a purchaser of
// the member takes a sent project quotation up and becomes its requester;
// the member's approval chain then accepts it (/accept).
func (h *Handler) apiQuoteRequest(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var b takeUpJSON
	version, err := web.DecodeChange(c, &b)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	q, err := h.Quotes.Request(c.UserContext(), *p, id, version, order.Input{CostCentre: b.CostCentre,
		DeliveryAddressID: b.DeliveryAddressID, DeliveryAddress: b.DeliveryAddress, BuyerReference: b.BuyerReference})
	if err != nil {
		return err
	}
	return c.JSON(h.quoteOf(p, q, true))
}
