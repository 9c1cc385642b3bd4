package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// contractCreateSubmit is POST /catalog/manage/contracts: creates the
// contract, or shows the form again with what was typed.
func (h *Handler) contractCreateSubmit(c *fiber.Ctx) error {
	f := contractFormFrom(c)
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderContractForm(c, f, invalidForm(errs))
	}
	ct, err := h.Catalog.AddContract(c.UserContext(), *web.Principal(c), in)
	if formOutcome(err) {
		return h.renderContractForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Der Rahmenvertrag "+ct.Number+" wurde angelegt.")
	return c.Redirect("/catalog/manage/contracts/"+strconv.FormatInt(ct.ID, 10), fiber.StatusSeeOther)
}
