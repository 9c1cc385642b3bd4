package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// cartRemoveSubmit is POST /cart/items/:product_id/delete.
func (h *Handler) cartRemoveSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "product_id")
	if err != nil {
		return err
	}
	if err := h.Carts.Remove(c.UserContext(), *web.Principal(c), id); err != nil {
		return err
	}
	h.Flash(c, "Die Position wurde aus dem Warenkorb entfernt.")
	return c.Redirect("/cart", fiber.StatusSeeOther)
}
