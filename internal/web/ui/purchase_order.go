package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/order"
	"coopshop/internal/purchase"
	"coopshop/internal/web"
)

// purchaseRow is a purchase order to a supplier (drop shipment) on the
// order page, with the steps the viewer may record now.
type purchaseRow struct {
	*purchase.PurchaseOrder
	CanConfirm, CanDeliver bool
}

// purchaseRows lists the order's purchase orders for the viewer (the
// provider's staff; nothing for a member).
func (h *Handler) purchaseRows(c *fiber.Ctx, o *order.Order) ([]purchaseRow, error) {
	if h.Purchases == nil {
		return nil, nil
	}
	p := web.Principal(c)
	pos, err := h.Purchases.ForOrder(c.UserContext(), *p, o.ID)
	if err != nil {
		return nil, err
	}
	out := make([]purchaseRow, 0, len(pos))
	for _, po := range pos {
		rec := h.Purchases.CanRecord(*p, po)
		out = append(out, purchaseRow{PurchaseOrder: po, CanConfirm: rec && purchase.StepConfirm.StartsFrom(po.State),
			CanDeliver: rec && purchase.StepDeliver.StartsFrom(po.State)})
	}
	return out, nil
}

// purchasePDF is GET /purchase-orders/:id/pdf: the purchase order as the
// supplier received it.
func (h *Handler) purchasePDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Purchases.PDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}

// formDate reads an optional date field ("" is the zero date).
func formDate(c *fiber.Ctx, name string) (calendar.Date, error) {
	raw := strings.TrimSpace(c.FormValue(name))
	if raw == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.Parse(raw)
	if err != nil {
		return d, apperr.Fields("Bitte prüfen Sie die Angaben.", apperr.FieldError{Field: name, Message: "Bitte ein Datum als TT.MM.JJJJ angeben."})
	}
	return d, nil
}

// purchaseStep runs one of sales' records on the purchase order of the
// :id parameter and goes back to its order: the error on the order page,
// or a flash.
func (h *Handler) purchaseStep(c *fiber.Ctx, do func(po *purchase.PurchaseOrder, version int64) (*purchase.PurchaseOrder, error), done string) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	po, err := h.Purchases.Get(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	updated, err := do(po, version)
	if err != nil {
		return h.stepFailed(c, po.OrderID, err, orderView{})
	}
	h.Flash(c, fmt.Sprintf(done, updated.Number))
	return c.Redirect(fmt.Sprintf("/orders/%d#lieferanten", po.OrderID), fiber.StatusSeeOther)
}

// purchaseConfirmSubmit is POST /purchase-orders/:id/confirm: sales
// records the supplier's order confirmation.
func (h *Handler) purchaseConfirmSubmit(c *fiber.Ctx) error {
	return h.purchaseStep(c, func(po *purchase.PurchaseOrder, version int64) (*purchase.PurchaseOrder, error) {
		in := purchase.ConfirmInput{SupplierReference: c.FormValue("supplier_reference")}
		var err error
		if in.ConfirmedOn, err = formDate(c, "confirmed_on"); err != nil {
			return nil, err
		}
		if in.ExpectedOn, err = formDate(c, "expected_on"); err != nil {
			return nil, err
		}
		return h.Purchases.Confirm(c.UserContext(), *web.Principal(c), po.ID, version, in)
	}, "Die Bestätigung des Lieferanten zu %s wurde erfasst.")
}

// purchaseDeliverSubmit is POST /purchase-orders/:id/deliver: sales
// records that the supplier delivered straight to the member.
func (h *Handler) purchaseDeliverSubmit(c *fiber.Ctx) error {
	return h.purchaseStep(c, func(po *purchase.PurchaseOrder, version int64) (*purchase.PurchaseOrder, error) {
		in := purchase.DeliverInput{Note: c.FormValue("note")}
		var err error
		if in.DeliveredOn, err = formDate(c, "delivered_on"); err != nil {
			return nil, err
		}
		return h.Purchases.Deliver(c.UserContext(), *web.Principal(c), po.ID, version, in)
	}, "Die Lieferung des Lieferanten zu %s wurde erfasst.")
}
