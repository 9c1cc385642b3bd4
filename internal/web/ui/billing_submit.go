package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// billingSubmit is POST /finance/members/:id: saves a member's invoicing
// settings at the posted version; they apply to invoices issued from now
// on.
func (h *Handler) billingSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := billingFormFrom(c)
	f.MemberID, f.Version = id, version
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderBillingForm(c, f, invalidForm(errs))
	}
	if _, err := h.Invoices.UpdateMemberBilling(c.UserContext(), *web.Principal(c), id, version, in); formOutcome(err) {
		return h.renderBillingForm(c, f, err)
	} else if err != nil {
		return err
	}
	h.Flash(c, "Die Rechnungseinstellungen sind gespeichert. Sie gelten für Rechnungen, die ab jetzt ausgestellt werden.")
	return c.Redirect("/finance/members/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
