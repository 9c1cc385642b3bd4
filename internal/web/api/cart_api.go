package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// apiCart is GET /api/v1/cart: the caller's cart priced for today.
func (h *Handler) apiCart(c *fiber.Ctx) error {
	v, err := h.Carts.View(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	return c.JSON(cartOf(v))
}

// apiCartPut is PUT /api/v1/cart/items/{product_id} {"quantity"}: sets
// the quantity of a product (0 removes it) and answers the cart.
func (h *Handler) apiCartPut(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "product_id")
	if err != nil {
		return err
	}
	var in struct {
		Quantity *int64 `json:"quantity"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Quantity == nil {
		return web.Malformed("Das Feld quantity fehlt.")
	}
	v, err := h.Carts.SetView(c.UserContext(), *web.Principal(c), id, *in.Quantity)
	if err != nil {
		return err
	}
	return c.JSON(cartOf(v))
}

// apiCartDelete is DELETE /api/v1/cart/items/{product_id}.
func (h *Handler) apiCartDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "product_id")
	if err != nil {
		return err
	}
	if err := h.Carts.Remove(c.UserContext(), *web.Principal(c), id); err != nil {
		return err
	}
	return h.apiCart(c)
}
