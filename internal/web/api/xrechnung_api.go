package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/export"
	"coopshop/internal/web"
)

// invoiceXRechnung is GET /api/v1/invoices/{id}/xrechnung: the invoice's
// or credit note's XRechnung 3.0 (CII) as application/xml, for whoever may
// read its PDF (finance, auditor, admin; a member's users their own,
// another member's is a 404). It is rendered on each request from the
// issued, unchangeable invoice, so every download is the same; one the
// rules refuse (say, the provider's contact is missing) is a 422 naming
// the rules.
func (h *Handler) invoiceXRechnung(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.Invoices.GetDocument(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	xml, err := export.XRechnung(inv)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+export.XRechnungFileName(inv)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.Send(xml)
}
