package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/export"
	"coopshop/internal/web"
)

// apiExportInvoices is GET /api/v1/exports/invoices?format=csv|datev|
// xrechnung&from=&to= (finance): the request is checked, authorized and
// audited before the first byte, so bad input is a 422 naming the field;
// then the file is streamed as it is written, a page of invoices at a
// time.
func (h *Handler) apiExportInvoices(c *fiber.Ctx) error {
	job, err := h.Exports.Prepare(c.UserContext(), *web.Principal(c), export.Request{Format: c.Query("format"), From: c.Query("from"), To: c.Query("to")})
	if err != nil {
		return err
	}
	return web.StreamExport(c, job, h.Log)
}
