package ui

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/cart"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// checkoutForm is the order form below the cart, as the purchaser typed it.
type checkoutForm struct {
	CostCentre  string
	AddressID   string // a saved address's id, or "new"
	Address     string
	Reason      string
	DesiredDate string
	// BuyerReference is the member's own order reference (Bestellzeichen).
	BuyerReference string
	// Key is the idempotency key of this form: sending it twice (a double
	// click, a reload) submits one order.
	Key string
}

func newFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

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

// cartAddSubmit is POST /cart/items from the catalog's product page
// (product_id, quantity) or the cart's quick entry (sku, quantity): it
// adds to the cart and goes back where the user came from with a flash.
func (h *Handler) cartAddSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	qty, qerr := strconv.ParseInt(strings.TrimSpace(c.FormValue("quantity", "1")), 10, 64)
	if qerr != nil {
		qty = 0
	}
	sku := strings.TrimSpace(c.FormValue("sku"))
	if sku != "" {
		prod, err := h.Carts.AddSKU(ctx, *p, sku, qty)
		if err != nil {
			return h.renderCart(c, checkoutForm{Key: newFormKey()}, err)
		}
		h.Flash(c, fmt.Sprintf("„%s“ (%d × %s) in den Warenkorb gelegt.", prod.Name, qty, prod.Unit))
		return c.Redirect("/cart", fiber.StatusSeeOther)
	}
	id, err := strconv.ParseInt(c.FormValue("product_id"), 10, 64)
	if err != nil || id <= 0 {
		return web.Malformed("Das Produkt fehlt.")
	}
	prod, err := h.Carts.Add(ctx, *p, id, qty)
	if err != nil {
		return err
	}
	h.Flash(c, fmt.Sprintf("„%s“ (%d × %s) in den Warenkorb gelegt.", prod.Name, qty, prod.Unit))
	return c.Redirect(web.BackTo(c, "/cart"), fiber.StatusSeeOther)
}

// cartUpdateSubmit is POST /cart: new quantities for the lines (paired
// product_id and quantity fields; 0 removes a line).
func (h *Handler) cartUpdateSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	ids, qtys := web.FormValues(c, "product_id"), web.FormValues(c, "quantity")
	if len(ids) != len(qtys) {
		return web.Malformed("Die Mengen passen nicht zu den Positionen.")
	}
	for i := range ids {
		id, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return web.Malformed("Ungültige Position.")
		}
		q, err := strconv.ParseInt(strings.TrimSpace(qtys[i]), 10, 64)
		if err != nil {
			q = -1
		}
		if _, err := h.Carts.Set(ctx, *p, id, q); err != nil {
			return h.renderCart(c, checkoutForm{Key: newFormKey()}, err)
		}
	}
	h.Flash(c, "Die Mengen wurden aktualisiert.")
	return c.Redirect("/cart", fiber.StatusSeeOther)
}

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
