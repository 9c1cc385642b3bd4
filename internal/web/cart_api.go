package web

import (
	"github.com/gofiber/fiber/v2"
)

// apiCart is GET /api/v1/cart: the caller's cart priced for today.
func (s *Server) apiCart(c *fiber.Ctx) error {
	v, err := s.Carts.View(c.UserContext(), *principal(c))
	if err != nil {
		return err
	}
	return c.JSON(cartOf(v))
}

// apiCartPut is PUT /api/v1/cart/items/{product_id} {"quantity"}: sets
// the quantity of a product (0 removes it) and answers the cart.
func (s *Server) apiCartPut(c *fiber.Ctx) error {
	id, err := paramID(c, "product_id")
	if err != nil {
		return err
	}
	var in struct {
		Quantity *int64 `json:"quantity"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Quantity == nil {
		return errMalformed{"Das Feld quantity fehlt."}
	}
	if _, err := s.Carts.Set(c.UserContext(), *principal(c), id, *in.Quantity); err != nil {
		return err
	}
	return s.apiCart(c)
}

// apiCartDelete is DELETE /api/v1/cart/items/{product_id}.
func (s *Server) apiCartDelete(c *fiber.Ctx) error {
	id, err := paramID(c, "product_id")
	if err != nil {
		return err
	}
	if err := s.Carts.Remove(c.UserContext(), *principal(c), id); err != nil {
		return err
	}
	return s.apiCart(c)
}
