package api

import (
	"bufio"
	"context"
	"log/slog"

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
	return StreamExport(c, h.Exports, h.Log)
}

// StreamExport answers an export request with the streamed file (the
// API's and the finance page's download share it).
func StreamExport(c *fiber.Ctx, s *export.Service, log *slog.Logger) error {
	ctx := context.WithoutCancel(c.UserContext())
	job, err := s.Prepare(ctx, *web.Principal(c), export.Request{Format: c.Query("format"), From: c.Query("from"), To: c.Query("to")})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, job.ContentType())
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+job.FileName()+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := job.Run(ctx, w); err != nil {
			// The status is sent already: the file ends short, the log says why.
			log.Error("export failed", "format", job.Format, "from", job.From.String(), "to", job.To.String(), "err", err)
		}
		_ = w.Flush()
	})
	return nil
}
