package ui

import "github.com/gofiber/fiber/v2"

// policyPage is GET /admin/policy: the enforcer's permissions, read-only.
func (h *Handler) policyPage(c *fiber.Ctx) error {
	return h.Render(c, "policy", fiber.Map{"Permissions": h.Authz.Permissions()})
}
