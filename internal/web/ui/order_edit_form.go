package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderEditForm is a returned order's edit form as typed.
type orderEditForm struct {
	CostCentre  string
	Address     string
	Reason      string
	DesiredDate string
	Quantity    map[int64]string
}

// editFormOf is the edit form of a stored order.
func editFormOf(o *order.Order) orderEditForm {
	f := orderEditForm{Address: o.DeliveryAddress, Reason: o.Reason, DesiredDate: o.DesiredDate.String(), Quantity: map[int64]string{}}
	f.CostCentre, _, _ = strings.Cut(o.CostCentre, " – ")
	for _, l := range o.Lines {
		f.Quantity[l.ProductID] = strconv.FormatInt(l.Quantity, 10)
	}
	return f
}

// renderOrderEdit shows the edit form of a returned order; err, if any,
// above it and at its fields.
func (h *Handler) renderOrderEdit(c *fiber.Ctx, o *order.Order, f orderEditForm, err error) error {
	st, serr := h.Members.Settings(c.UserContext(), *web.Principal(c), o.OrgID)
	if serr != nil {
		return serr
	}
	data := fiber.Map{"Title": "Bestellung " + o.Number + " bearbeiten", "Order": o, "Form": f, "Settings": st, "Errors": map[string]string{}}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"], data["Errors"] = apperr.MessageOf(err), fieldErrorMap(err)
	}
	return h.Render(c, "order_edit", data)
}
