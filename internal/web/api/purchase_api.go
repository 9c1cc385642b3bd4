package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/purchase"
	"coopshop/internal/web"
)

// purchaseOrderJSON is a purchase order to a framework contract's
// supplier (drop shipment, API.md "Purchasing"): an entry of an order's
// purchase_orders[] and the answer of the purchase order endpoints.
type purchaseOrderJSON struct {
	ID                int64                   `json:"id"`
	Number            string                  `json:"number"`
	OrderID           int64                   `json:"order_id"`
	Supplier          string                  `json:"supplier"`
	SupplierEmail     string                  `json:"supplier_email"`
	ContractNumber    string                  `json:"contract_number"`
	State             purchase.State          `json:"state"`
	StateLabel        string                  `json:"state_label"`
	Version           int64                   `json:"version"`
	ShipTo            string                  `json:"ship_to"`
	IssuedOn          calendar.Date           `json:"issued_on"`
	SentAt            *time.Time              `json:"sent_at"`
	SupplierReference string                  `json:"supplier_reference"`
	ConfirmedOn       calendar.Date           `json:"confirmed_on"`
	ExpectedOn        calendar.Date           `json:"expected_on"`
	DeliveredOn       calendar.Date           `json:"delivered_on"`
	Note              string                  `json:"note"`
	NetCents          int64                   `json:"net_cents"`
	Lines             []purchaseOrderLineJSON `json:"lines"`
}

type purchaseOrderLineJSON struct {
	LineNo         int    `json:"line_no"`
	OrderLineNo    int    `json:"order_line_no"`
	SKU            string `json:"sku"`
	Name           string `json:"name"`
	Unit           string `json:"unit"`
	Quantity       int64  `json:"quantity"`
	UnitPriceCents int64  `json:"unit_price_cents"`
	VATPercent     int64  `json:"vat_percent"`
	NetCents       int64  `json:"net_cents"`
}

func purchaseOrderOf(po *purchase.PurchaseOrder) purchaseOrderJSON {
	out := purchaseOrderJSON{ID: po.ID, Number: po.Number, OrderID: po.OrderID, Supplier: po.Supplier, SupplierEmail: po.SupplierEmail,
		ContractNumber: po.ContractNumber, State: po.State, StateLabel: po.State.Label(), Version: po.Version, ShipTo: po.ShipTo,
		IssuedOn: po.IssuedOn, SentAt: po.SentAt, SupplierReference: po.SupplierReference, ConfirmedOn: po.ConfirmedOn,
		ExpectedOn: po.ExpectedOn, DeliveredOn: po.DeliveredOn, Note: po.Note, NetCents: po.NetCents, Lines: []purchaseOrderLineJSON{}}
	for _, l := range po.Lines {
		out.Lines = append(out.Lines, purchaseOrderLineJSON{LineNo: l.LineNo, OrderLineNo: l.OrderLineNo, SKU: l.SKU, Name: l.Name, Unit: l.Unit,
			Quantity: l.Quantity, UnitPriceCents: l.UnitPriceCents, VATPercent: l.VATPercent, NetCents: l.NetCents})
	}
	return out
}

// purchaseOrdersOf is the order's purchase_orders[] for who may read
// purchase orders (the provider's staff, [] when there are none); nil
// (left out) for everyone else.
func (h *Handler) purchaseOrdersOf(ctx context.Context, p *account.Principal, orderID int64) *[]purchaseOrderJSON {
	if h.Purchases == nil || !h.Purchases.CanRead(*p) {
		return nil
	}
	pos, err := h.Purchases.ForOrder(ctx, *p, orderID)
	if err != nil {
		h.Log.Error("purchase orders of order", "order", orderID, "err", err)
		return nil
	}
	out := make([]purchaseOrderJSON, 0, len(pos))
	for _, po := range pos {
		out = append(out, purchaseOrderOf(po))
	}
	return &out
}

// apiPurchaseOrder is GET /api/v1/purchase-orders/{id}.
func (h *Handler) apiPurchaseOrder(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	po, err := h.Purchases.Get(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(purchaseOrderOf(po))
}

// apiPurchaseOrderPDF is GET /api/v1/purchase-orders/{id}/pdf.
func (h *Handler) apiPurchaseOrderPDF(c *fiber.Ctx) error {
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

// apiPurchaseOrderConfirm is POST /api/v1/purchase-orders/{id}/confirm
// {"version","supplier_reference","confirmed_on","expected_on"}: sales
// records the supplier's confirmation.
func (h *Handler) apiPurchaseOrderConfirm(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		purchase.ConfirmInput
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	po, err := h.Purchases.Confirm(c.UserContext(), *web.Principal(c), id, version, in.ConfirmInput)
	if err != nil {
		return err
	}
	return c.JSON(purchaseOrderOf(po))
}

// apiPurchaseOrderDeliver is POST /api/v1/purchase-orders/{id}/deliver
// {"version","delivered_on","note"}: sales records the supplier's
// delivery straight to the member.
func (h *Handler) apiPurchaseOrderDeliver(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		purchase.DeliverInput
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	po, err := h.Purchases.Deliver(c.UserContext(), *web.Principal(c), id, version, in.DeliverInput)
	if err != nil {
		return err
	}
	return c.JSON(purchaseOrderOf(po))
}
