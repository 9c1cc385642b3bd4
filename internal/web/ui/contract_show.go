package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// contractPage is /contracts/:id; a contract the member is not eligible
// for is a 404.
func (h *Handler) contractPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	v, today := h.Catalog.ViewerFor(*p), h.Catalog.Today()
	ct, err := h.Catalog.Contract(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	rows, err := h.contractRows(c, v, []*catalog.Contract{ct}, today)
	if err != nil {
		return err
	}
	return h.Render(c, "contract", fiber.Map{"Title": ct.Number, "C": rows[0], "Provider": v.Provider(),
		"CanManage":   h.Authz.Allowed(web.Principal(c).Subject, "manage", authz.On("contract")),
		"CanCallOffs": h.Catalog.CanReadCallOffs(*p)})
}
