package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// contractQuotasSubmit is POST /catalog/manage/contracts/:id/lines/:line_id/quotas:
// saves the named member quotas of the line (empty: none) at the posted
// version of the contract.
func (h *Handler) contractQuotasSubmit(c *fiber.Ctx) error {
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
	ids, quotas := web.FormValues(c, "member_id"), web.FormValues(c, "quota")
	typed := map[int64]string{}
	var in []catalog.MemberQuotaInput
	var errs formErrors
	for i, raw := range ids {
		m, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return web.Malformed("Das Formular ist beschädigt (Mitglied).")
		}
		q := ""
		if i < len(quotas) {
			q = strings.TrimSpace(quotas[i])
		}
		typed[m] = q
		if q == "" {
			continue
		}
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("member_quotas[%d].quota", i), Message: fmt.Sprintf("„%s“ ist keine ganze Zahl ab 0.", q)})
			continue
		}
		in = append(in, catalog.MemberQuotaInput{MemberID: m, Quota: &n})
	}
	if len(errs) == 0 {
		_, err = h.Catalog.SetMemberQuotas(c.UserContext(), *web.Principal(c), id, version, lineID, in)
	} else {
		err = invalidForm(errs)
	}
	if formOutcome(err) {
		f, ferr := h.quotaFormOf(c, typed)
		if ferr != nil {
			return ferr
		}
		return h.renderQuotaForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Die Kontingente der Mitglieder wurden gespeichert.")
	return c.Redirect(fmt.Sprintf("/catalog/manage/contracts/%d/lines/%d/quotas", id, lineID), fiber.StatusSeeOther)
}
