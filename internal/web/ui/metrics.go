package ui

import (
	"bytes"
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/metric"
)

// metrics is GET /metrics: the Prometheus exposition (text format 0.0.4).
// Without a registry (tests that wire no app) it is a 404.
func (h *Handler) metrics(c *fiber.Ctx) error {
	if h.Metrics == nil {
		return fiber.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	defer cancel()
	var buf bytes.Buffer
	if err := h.Metrics.Write(ctx, &buf); err != nil {
		// The rest of the page is still worth a scrape; the log names
		// what is missing.
		h.Log.WarnContext(ctx, "metrics incomplete", "err", err)
	}
	c.Set(fiber.HeaderContentType, metric.ContentType)
	return c.Send(buf.Bytes())
}
