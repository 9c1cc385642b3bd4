package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/document"
	"coopshop/internal/quote"
)

// apiQuotes is GET /api/v1/quotes?order_id=&state=&latest=&limit=&cursor=:
// newest first; members see their own member's sent and answered
// versions, the provider all. latest=1 keeps only the newest version of
// each quotation. awaiting=me lists instead the sent versions whose open
// approval stage the caller may decide (the inbox), oldest first.
func (s *Server) apiQuotes(c *fiber.Ctx) error {
	if aw := c.Query("awaiting"); aw != "" {
		if aw != "me" {
			return apperr.Fields("Unbekannter Filter.", apperr.FieldError{Field: "awaiting", Message: "Erlaubt ist nur „me“."})
		}
		qs, err := s.Quotes.Inbox(c.UserContext(), *principal(c))
		if err != nil {
			return err
		}
		out := list[quoteJSON]{Items: []quoteJSON{}}
		for _, q := range qs {
			out.Items = append(out.Items, s.quoteOf(principal(c), q, false))
		}
		return c.JSON(out)
	}
	lq := newListQuery(c)
	f := quote.Filter{Limit: lq.limit(50, 200), BeforeID: lq.id("cursor"), OrderID: lq.id("order_id"), States: states(lq, "state", quote.States)}
	latest := lq.oneOf("latest", "1", "true", "0", "false")
	f.LatestOnly = latest == "1" || latest == "true"
	if err := lq.err(); err != nil {
		return err
	}
	p := principal(c)
	qs, err := s.Quotes.List(c.UserContext(), *p, f)
	if err != nil {
		return err
	}
	out := list[quoteJSON]{Items: []quoteJSON{}}
	for _, q := range qs {
		out.Items = append(out.Items, s.quoteOf(p, q, false))
	}
	if len(qs) == f.Limit {
		cur := strconv.FormatInt(qs[len(qs)-1].ID, 10)
		out.NextCursor = &cur
	}
	return c.JSON(out)
}

// apiQuote is GET /api/v1/quotes/{id}; another member's version, or a
// draft for a member, is a 404.
func (s *Server) apiQuote(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principal(c)
	q, err := s.Quotes.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	return c.JSON(s.quoteOf(p, q, true))
}

// apiQuoteVersions is GET /api/v1/quotes/{id}/versions: every version of
// the quotation the caller may see, oldest first.
func (s *Server) apiQuoteVersions(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principal(c)
	vs, err := s.Quotes.Versions(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	out := list[quoteJSON]{Items: []quoteJSON{}}
	for _, q := range vs {
		out.Items = append(out.Items, s.quoteOf(p, q, false))
	}
	return c.JSON(out)
}

// apiQuoteUpdate is PATCH /api/v1/quotes/{id} {"version", "lines",
// "valid_until", "note", "payment_terms", "delivery_terms"}: changes a
// draft; lines replace all lines.
func (s *Server) apiQuoteUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in quoteInJSON
	version, err := decodeChange(c, &in)
	if err != nil {
		return err
	}
	qi, err := in.input()
	if err != nil {
		return err
	}
	p := principal(c)
	q, err := s.Quotes.Update(c.UserContext(), *p, id, version, qi)
	if err != nil {
		return err
	}
	return c.JSON(s.quoteOf(p, q, true))
}

// quoteStep runs one step of the quote machine for the handlers.
func (s *Server) quoteStep(c *fiber.Ctx, st quote.Step, id, version int64, comment string) (*quote.Quote, error) {
	p, ctx := *principal(c), c.UserContext()
	switch st {
	case quote.StepSubmit:
		return s.Quotes.Submit(ctx, p, id, version, comment)
	case quote.StepApprove:
		return s.Quotes.Approve(ctx, p, id, version, comment)
	case quote.StepReturn:
		return s.Quotes.Return(ctx, p, id, version, comment)
	case quote.StepSend:
		return s.Quotes.Send(ctx, p, id, version, comment)
	case quote.StepAccept: // the member's stage decision; the last confirms the order
		return s.Sales.Accept(ctx, p, id, version, comment)
	case quote.StepReject: // closes the order too
		return s.Sales.Reject(ctx, p, id, version, comment)
	case quote.StepRevise:
		return s.Quotes.Revise(ctx, p, id, version, comment)
	}
	return nil, fiber.ErrNotFound
}

// apiQuoteStep is POST /api/v1/quotes/{id}/<step> {"version","comment"}.
func (s *Server) apiQuoteStep(st quote.Step) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		var b stepBody
		version, err := decodeChange(c, &b)
		if err != nil {
			return err
		}
		q, err := s.quoteStep(c, st, id, version, b.Comment)
		if err != nil {
			return err
		}
		return c.JSON(s.quoteOf(principal(c), q, true))
	}
}

// quotePDF is GET /api/v1/quotes/{id}/pdf (and /quotes/{id}/pdf for the
// browser): the stored PDF of a sent version, a draft preview otherwise.
func (s *Server) quotePDF(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.Quotes.PDF(c.UserContext(), *principal(c), id)
	if err != nil {
		return err
	}
	return sendPDF(c, f)
}

// orderPDF is GET /api/v1/orders/{id}/pdf (and /orders/{id}/pdf): the
// stored order confirmation of a confirmed order, the order request
// before.
func (s *Server) orderPDF(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.Orders.PDF(c.UserContext(), *principal(c), id)
	if err != nil {
		return err
	}
	return sendPDF(c, f)
}

// sendPDF answers a document inline with its SHA-256 as the ETag; a
// client that has these bytes gets 304.
func sendPDF(c *fiber.Ctx, f *document.File) error {
	etag := `"` + f.SHA256 + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+f.Name+`"`)
	return c.Send(f.Bytes)
}
