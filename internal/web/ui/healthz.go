package ui

import "github.com/gofiber/fiber/v2"

// healthz is GET /healthz: the process is up (liveness; no database check).
func (h *Handler) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}
