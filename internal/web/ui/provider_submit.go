package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// providerSubmit is POST /admin/provider: saves the provider's invoicing
// data at the posted version; invoices issued before keep theirs.
func (h *Handler) providerSubmit(c *fiber.Ctx) error {
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := providerFormFrom(c)
	f.Version = version
	if _, err := h.Invoices.UpdateProviderSettings(c.UserContext(), *web.Principal(c), version, f.In); formOutcome(err) {
		return h.renderProviderForm(c, f, err)
	} else if err != nil {
		return err
	}
	h.Flash(c, "Die Rechnungsangaben sind gespeichert. Bereits ausgestellte Rechnungen behalten ihre Angaben.")
	return c.Redirect("/admin/provider", fiber.StatusSeeOther)
}
