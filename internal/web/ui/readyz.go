package ui

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// readyz checks the database, so a load balancer only sends traffic to a
// process that can serve it.
func (h *Handler) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	dialect, err := h.Ready(ctx)
	if err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": err.Error()})
	}
	return c.JSON(fiber.Map{"status": "ok", "database": dialect})
}
