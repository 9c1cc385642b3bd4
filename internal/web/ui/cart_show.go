package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/cart"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// cartPage is GET /cart: the cart with the checkout form, a fresh
// idempotency key in it.
func (h *Handler) cartPage(c *fiber.Ctx) error {
	return h.renderCart(c, checkoutForm{Key: newFormKey()}, nil)
}

// renderCart shows the cart with its checkout form; err, if any, is shown
// above it with the status of its code, and the form keeps what was typed.
func (h *Handler) renderCart(c *fiber.Ctx, f checkoutForm, err error) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	v, verr := h.Carts.View(ctx, *p)
	if verr != nil {
		return verr
	}
	st, serr := h.Members.Settings(ctx, *p, p.User.OrgID)
	if serr != nil {
		return serr
	}
	if f.AddressID == "" && len(st.ActiveAddresses) > 0 && f.Address == "" {
		f.AddressID = strconv.FormatInt(st.ActiveAddresses[0].ID, 10)
	}
	chain, cerr := h.Orders.ChainFor(ctx, p.User.OrgID, cartApprovalAmount(v))
	if cerr != nil {
		return cerr
	}
	data := fiber.Map{"Title": "Warenkorb", "Cart": v, "Settings": st, "Form": f, "Chain": chain, "Errors": map[string]string{}}
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Internal || code == apperr.Unauthorized {
			return err
		}
		c.Status(web.Status(code))
		data["Error"] = apperr.MessageOf(err)
		data["Errors"] = fieldErrorMap(err)
		data["Changes"] = changeLines(err)
	}
	return h.Render(c, "cart", data)
}

// changeLines lists the per-line messages of a price-change conflict.
func changeLines(err error) []string {
	if apperr.CodeOf(err) != apperr.Conflict {
		return nil
	}
	var out []string
	for _, fe := range apperr.FieldsOf(err) {
		out = append(out, fe.Message)
	}
	return out
}

// cartApprovalAmount is the amount the cart's order would be approved
// for (DESIGN §3: rentals × term, seats × 12), for the chain preview.
func cartApprovalAmount(v *cart.View) int64 {
	ls := make([]order.AmountLine, 0, len(v.Lines))
	for _, l := range v.Lines {
		al := order.AmountLine{Kind: l.Product.Kind, NetCents: l.NetCents, VATPercent: l.Product.VATPercent}
		if l.Product.RentalTermMonths != nil {
			al.TermMonths = *l.Product.RentalTermMonths
		}
		ls = append(ls, al)
	}
	return order.AmountsOf(ls).ApprovalGrossCents
}
