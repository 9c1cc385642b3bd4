package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderReorderSubmit is POST /orders/:id/reorder ("Nochmal bestellen"):
// the order's catalog lines into the cart at today's prices, then the
// cart with what changed since the order.
func (h *Handler) orderReorderSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.OrderLists.Reorder(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return h.backToOrder(c, id, err)
	}
	h.keepTransfer(c, t, "Die Bestellung")
	return c.Redirect("/cart", fiber.StatusSeeOther)
}

// orderSaveListSubmit is POST /orders/:id/save-list (name, shared): the
// order's catalog lines as a new order list, then its page.
func (h *Handler) orderSaveListSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.FormValue("name"))
	l, err := h.OrderLists.SaveOrder(c.UserContext(), *web.Principal(c), id, name, c.FormValue("shared") != "")
	if err != nil {
		return h.backToOrder(c, id, err)
	}
	h.Flash(c, fmt.Sprintf("Die Bestellliste „%s“ wurde aus der Bestellung angelegt.", l.Name))
	return c.Redirect(fmt.Sprintf("/order-lists/%d", l.ID), fiber.StatusSeeOther)
}

// backToOrder shows an invalid reorder on the order page as a warning.
func (h *Handler) backToOrder(c *fiber.Ctx, id int64, err error) error {
	if !formOutcome(err) {
		return err
	}
	path := fmt.Sprintf("/orders/%d", id)
	msg := apperr.MessageOf(err)
	if fe := apperr.FieldsOf(err); len(fe) > 0 {
		msg += " " + fe[0].Message
	}
	h.KeepForm(c, &web.FormState{Path: path, Warning: msg})
	return c.Redirect(path+"#nochmal", fiber.StatusSeeOther)
}

// reorderView is what the order page offers to order again: into the
// cart, or kept as a list (purchasers, for orders with catalog lines).
type reorderView struct {
	Cart, List bool
	Name       string
}

// reorderOf tells which of the two the viewer may do with o.
func (h *Handler) reorderOf(c *fiber.Ctx, o *order.Order) reorderView {
	p := web.Principal(c)
	has := false
	for _, l := range o.Lines {
		if !l.Free() && l.SubscriptionID == nil {
			has = true
		}
	}
	if !has || p.User == nil || p.User.OrgID != o.OrgID {
		return reorderView{}
	}
	return reorderView{
		Cart: h.Authz.Allowed(p.Subject, authz.CartUse.Action, authz.CartUse.On()),
		List: h.Authz.Allowed(p.Subject, authz.OrderListManage.Action, authz.OrderListManage.On()),
		Name: "Wie " + o.Number,
	}
}
