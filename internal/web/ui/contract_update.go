package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// contractUpdateSubmit is POST /catalog/manage/contracts/:id: saves the
// contract at the posted version.
func (h *Handler) contractUpdateSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	old, err := h.Catalog.Contract(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	f := contractFormFrom(c)
	f.ID, f.Version = id, version
	// Show names and usage of lines that were there before.
	known := contractFormOf(old)
	for i := range f.Lines {
		for _, k := range known.Lines {
			if strings.EqualFold(k.SKU, f.Lines[i].SKU) {
				f.Lines[i].Name, f.Lines[i].Used = k.Name, k.Used
			}
		}
	}
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderContractForm(c, f, invalidForm(errs))
	}
	ct, err := h.Catalog.UpdateContract(c.UserContext(), *web.Principal(c), id, version, in)
	if formOutcome(err) {
		return h.renderContractForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Der Rahmenvertrag "+ct.Number+" wurde gespeichert.")
	return c.Redirect("/catalog/manage/contracts/"+strconv.FormatInt(ct.ID, 10), fiber.StatusSeeOther)
}
