package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/document"
)

// SendPDF answers a document inline with its SHA-256 as the ETag; a
// client that has these bytes gets 304.
func SendPDF(c *fiber.Ctx, f *document.File) error {
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
