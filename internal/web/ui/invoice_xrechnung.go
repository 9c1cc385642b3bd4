package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/export"
	"coopshop/internal/web"
)

// invoiceXRechnung is GET /invoices/:id/xrechnung: the XRechnung (CII
// XML) of an invoice or credit note for whoever may read its PDF, as the
// API's GET /api/v1/invoices/{id}/xrechnung serves it.
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
