package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// apiProvisionUpdate is POST /api/v1/orders/{id}/lines/{line_no}/
// provisioning {"version"?, "units":[{"unit_no","state","name",
// "activated_on","reason"}]}: sales moves units of the line in bulk (200
// VPN accesses active in one step), all or none; 200 with the line's
// provisioning. A version that is given and stale is a 409, a refused
// unit a 422 naming units[i].field.
func (h *Handler) apiProvisionUpdate(c *fiber.Ctx) error {
	id, no, err := orderLineParams(c)
	if err != nil {
		return err
	}
	var in provisionInputJSON
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	var version int64
	if in.Version != nil {
		if *in.Version <= 0 {
			return apperr.MissingVersion()
		}
		version = *in.Version
	}
	l, err := h.Provision.Update(c.UserContext(), *web.Principal(c), id, no, version, in.inputs())
	if err != nil {
		return err
	}
	return c.JSON(provisionOf(l))
}

// apiProvisionGet is GET /api/v1/orders/{id}/lines/{line_no}/provisioning:
// the line's units for whoever may see the order.
func (h *Handler) apiProvisionGet(c *fiber.Ctx) error {
	id, no, err := orderLineParams(c)
	if err != nil {
		return err
	}
	l, err := h.Provision.Line(c.UserContext(), *web.Principal(c), id, no)
	if err != nil {
		return err
	}
	return c.JSON(provisionOf(l))
}

// orderLineParams reads {id} and {line_no}; anything not a positive
// number is a 404.
func orderLineParams(c *fiber.Ctx) (id int64, lineNo int, err error) {
	if id, err = web.ParamID(c, "id"); err != nil {
		return 0, 0, err
	}
	no, err := web.ParamID(c, "line_no")
	if err != nil || no > 100000 {
		return 0, 0, fiber.ErrNotFound
	}
	return id, int(no), nil
}
