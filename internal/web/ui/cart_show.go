package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// cartPage is GET /cart: the cart with the checkout form, a fresh
// idempotency key in it; after a failed form (redirect after POST) with
// its error and what was typed.
func (h *Handler) cartPage(c *fiber.Ctx) error {
	fs := h.TakeForm(c)
	f := checkoutForm{Key: newFormKey()}
	if fs != nil && fs.Value("idempotency_key") != "" {
		f = checkoutForm{
			CostCentre: fs.Value("cost_centre"), AddressID: fs.Value("delivery_address_id"), Address: fs.Value("delivery_address"),
			Reason: fs.Value("reason"), DesiredDate: fs.Value("desired_date"), Key: fs.Value("idempotency_key"),
			BuyerReference: fs.Value("buyer_reference"),
			Urgent:         fs.Value("urgent") != "", UrgentReason: fs.Value("urgent_reason"),
		}
	}
	return h.renderCartState(c, f, fs)
}

// renderCartState shows the cart with a kept form state: the error on top
// (quick entry errors only at their fields), field errors, the typed
// quantities and quick entry.
func (h *Handler) renderCartState(c *fiber.Ctx, f checkoutForm, fs *web.FormState) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	v, err := h.Carts.View(ctx, *p)
	if err != nil {
		return err
	}
	data, err := h.cartData(c, v, f)
	if err != nil {
		return err
	}
	if fs != nil {
		data["Error"] = fs.Error
		data["Errors"] = fs.Fields
		data["Changes"] = fs.Changes
		typed := map[int64]string{}
		ids, qtys := fs.Values["product_id"], fs.Values["quantity"]
		for i := range ids {
			if id, perr := strconv.ParseInt(ids[i], 10, 64); perr == nil && i < len(qtys) {
				typed[id] = qtys[i]
			}
		}
		data["Typed"] = typed
		data["SKU"] = fs.Value("sku")
		if q := fs.Value("add_quantity"); q != "" {
			data["AddQuantity"] = q
		}
		// A list or past order put into the cart (orderlist_cart.go), a
		// refused quick order (cart_import.go).
		data["NoticeTitle"], data["Notices"] = fs.Value("notice_title"), fs.Values["notice"]
		data["ImportText"], data["ImportErrors"] = fs.Value("csv"), fs.Values["import_error"]
	}
	return h.Render(c, "cart", data)
}

// cartData is the cart page's data besides errors.
func (h *Handler) cartData(c *fiber.Ctx, v *cart.View, f checkoutForm) (fiber.Map, error) {
	ctx := c.UserContext()
	p := web.Principal(c)
	st, err := h.Members.Settings(ctx, *p, p.User.OrgID)
	if err != nil {
		return nil, err
	}
	if f.AddressID == "" && len(st.ActiveAddresses) > 0 && f.Address == "" {
		f.AddressID = strconv.FormatInt(st.ActiveAddresses[0].ID, 10)
	}
	chain, err := h.Orders.ChainFor(ctx, p.User.OrgID, cartApprovalAmount(v))
	if err != nil {
		return nil, err
	}
	var offContract []cart.Line
	for _, l := range v.Lines {
		if l.Available && l.Price.Source == catalog.SourceList && l.Price.Note != "" {
			offContract = append(offContract, l)
		}
	}
	return fiber.Map{"Title": "Warenkorb", "Cart": v, "Settings": st, "Form": f, "Chain": chain, "Errors": map[string]string{},
		"Typed": map[int64]string{}, "AddQuantity": "1", "OffContract": offContract}, nil
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
