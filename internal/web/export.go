package web

import (
	"bufio"
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/export"
)

// StreamExport answers with a prepared (checked, authorized, audited)
// export, streamed as it is written: the API's and the finance page's
// download share it. Once the status is sent an error can only end the
// file short; the log says why.
func StreamExport(c *fiber.Ctx, job *export.Job, log *slog.Logger) error {
	ctx := context.WithoutCancel(c.UserContext())
	c.Set(fiber.HeaderContentType, job.ContentType())
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+job.FileName()+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := job.Run(ctx, w); err != nil {
			log.Error("export failed", "format", job.Format, "from", job.From.String(), "to", job.To.String(), "err", err)
		}
		_ = w.Flush()
	})
	return nil
}
