package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// providerPage is GET /admin/provider: the provider's legal and bank data
// that every invoice prints, for the admin to edit.
func (h *Handler) providerPage(c *fiber.Ctx) error {
	p, err := h.Invoices.ProviderSettings(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	return h.renderProviderForm(c, providerFormOf(p), nil)
}
