package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// contractQuotaTransferSubmit is POST /catalog/manage/contracts/:id/lines/:line_id/quota-transfers:
// moves unused quota from one member to another at the posted version.
func (h *Handler) contractQuotaTransferSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	lineID, err := web.ParamID(c, "line_id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	from, to, qty := c.FormValue("from_member_id"), c.FormValue("to_member_id"), strings.TrimSpace(c.FormValue("quantity"))
	t := catalog.Transfer{Version: version}
	t.FromMemberID, _ = strconv.ParseInt(from, 10, 64)
	t.ToMemberID, _ = strconv.ParseInt(to, 10, 64)
	n, perr := strconv.ParseInt(qty, 10, 64)
	if perr != nil {
		err = invalidForm(formErrors{{Field: "quantity", Message: "Bitte geben Sie die Menge als ganze Zahl an."}})
	} else {
		t.Quantity = n
		_, err = h.Catalog.TransferQuota(c.UserContext(), *web.Principal(c), id, lineID, t)
	}
	if formOutcome(err) {
		f, ferr := h.quotaFormOf(c, nil)
		if ferr != nil {
			return ferr
		}
		f.From, f.To, f.Quantity = from, to, qty
		return h.renderQuotaForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, fmt.Sprintf("%d Einheiten wurden umgebucht.", t.Quantity))
	return c.Redirect(fmt.Sprintf("/catalog/manage/contracts/%d/lines/%d/quotas", id, lineID), fiber.StatusSeeOther)
}
