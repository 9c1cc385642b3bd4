package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// quotePDF is GET /api/v1/quotes/{id}/pdf (and /quotes/{id}/pdf for the
// browser): the stored PDF of a sent version, a draft preview otherwise.
func (h *Handler) quotePDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Quotes.PDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}

// orderPDF is GET /api/v1/orders/{id}/pdf (and /orders/{id}/pdf): the
// stored order confirmation of a confirmed order, the order request
// before.
func (h *Handler) orderPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Orders.PDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}

// orderRequestPDF is GET /api/v1/orders/{id}/documents/request: the
// order request (Bestellanforderung) under its own file name, in every
// state of the order.
func (h *Handler) orderRequestPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Orders.RequestPDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}

// orderConfirmationPDF is GET /api/v1/orders/{id}/documents/confirmation:
// the stored order confirmation; a 404 before the confirmation.
func (h *Handler) orderConfirmationPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Orders.ConfirmationPDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}

// orderDeliveryNotePDF is GET
// /api/v1/orders/{id}/deliveries/{delivery_id}/pdf: the stored delivery
// note of one delivery; a delivery of another order is a 404.
func (h *Handler) orderDeliveryNotePDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	deliveryID, err := web.ParamID(c, "delivery_id")
	if err != nil {
		return err
	}
	f, err := h.Orders.DeliveryNote(c.UserContext(), *web.Principal(c), id, deliveryID)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}
