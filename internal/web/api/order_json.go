package api

import (
	"context"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/order"
)

// The JSON shapes of carts and orders (API.md). The domain types stay
// free of the API's field names; these mappings are the contract.

type linePriceSourceJSON struct {
	Type           catalog.SourceType `json:"type"`
	ContractNumber *string            `json:"contract_number"`
}

func linePriceSource(t catalog.SourceType, number string) linePriceSourceJSON {
	ps := linePriceSourceJSON{Type: t}
	if number != "" {
		ps.ContractNumber = &number
	}
	return ps
}

type cartItemJSON struct {
	ProductID      int64               `json:"product_id"`
	SKU            string              `json:"sku"`
	Name           string              `json:"name"`
	Unit           string              `json:"unit"`
	Quantity       int64               `json:"quantity"`
	UnitPriceCents int64               `json:"unit_price_cents"`
	VATPercent     int64               `json:"vat_percent"`
	NetCents       int64               `json:"net_cents"`
	PriceSource    linePriceSourceJSON `json:"price_source"`
	Note           string              `json:"note,omitempty"`
	// PriceChanged: the price moved since the line was last changed; the
	// next submission will point it out once.
	PriceChanged bool `json:"price_changed"`
	Available    bool `json:"available"`
	// Availability is whether and when the product can be delivered.
	Availability catalog.Availability `json:"availability"`
}

type vatJSON struct {
	VATPercent int64 `json:"vat_percent"`
	NetCents   int64 `json:"net_cents"`
	VATCents   int64 `json:"vat_cents"`
}

type cartJSON struct {
	Items      []cartItemJSON `json:"items"`
	NetCents   int64          `json:"net_cents"`
	VATCents   int64          `json:"vat_cents"`
	GrossCents int64          `json:"gross_cents"`
	VAT        []vatJSON      `json:"vat"`
	NeedsQuote bool           `json:"needs_quote"`
}

func cartOf(v *cart.View) cartJSON {
	out := cartJSON{Items: []cartItemJSON{}, NetCents: v.Totals.NetCents, VATCents: v.Totals.VATCents,
		GrossCents: v.Totals.GrossCents, NeedsQuote: v.NeedsQuote, VAT: []vatJSON{}}
	for _, l := range v.Lines {
		out.Items = append(out.Items, cartItemJSON{ProductID: l.Product.ID, SKU: l.Product.SKU, Name: l.Product.Name, Unit: l.Product.Unit,
			Quantity: l.Quantity, UnitPriceCents: l.Price.UnitCents, VATPercent: l.Product.VATPercent, NetCents: l.NetCents,
			PriceSource: linePriceSource(l.Price.Source, l.Price.ContractNumber), Note: l.Price.Note, PriceChanged: l.Changed, Available: l.Available,
			Availability: l.Product.Availability()})
	}
	for _, r := range v.Totals.Rates {
		out.VAT = append(out.VAT, vatJSON{r.VATPercent, r.NetCents, r.VATCents})
	}
	return out
}

type refJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// orderLineJSON is one order line; product_id is null for a free line
// taken over from an accepted quotation, which deliveries name by line_no.
type orderLineJSON struct {
	LineNo            int                 `json:"line_no"`
	ProductID         *int64              `json:"product_id"`
	SKU               string              `json:"sku"`
	Name              string              `json:"name"`
	Unit              string              `json:"unit"`
	Quantity          int64               `json:"quantity"`
	UnitPriceCents    int64               `json:"unit_price_cents"`
	DiscountBP        int64               `json:"discount_bp"`
	VATPercent        int64               `json:"vat_percent"`
	NetCents          int64               `json:"net_cents"`
	PriceSource       linePriceSourceJSON `json:"price_source"`
	DeliveredQuantity int64               `json:"delivered_quantity"`
	// Provisioning is the units of a line whose product needs set-up
	// (VPN access, cloud workplace …), from the order's confirmation on;
	// absent otherwise.
	Provisioning *provisionJSON `json:"provisioning,omitempty"`
	// SubscriptionID names the seat subscription a change order's line
	// changes; null on every other line.
	SubscriptionID *int64 `json:"subscription_id"`
	// Availability is the product's availability today; null for a free
	// line.
	Availability *catalog.Availability `json:"availability"`
}

type approvalJSON struct {
	Round         int        `json:"round"`
	Stage         int        `json:"stage"`
	Role          string     `json:"role"`
	MinGrossCents int64      `json:"min_gross_cents"`
	State         string     `json:"state"`
	Current       bool       `json:"current"`
	DecidedBy     *refJSON   `json:"decided_by"`
	OnBehalfOf    *refJSON   `json:"on_behalf_of"`
	DecidedAt     *time.Time `json:"decided_at"`
	Comment       string     `json:"comment"`
}

type deliveryLineJSON struct {
	LineNo    int      `json:"line_no"`
	ProductID *int64   `json:"product_id"` // null for a free line
	Quantity  int64    `json:"quantity"`
	Serials   []string `json:"serials"`
}

// deliveryJSON is one delivery: the answer of POST …/deliveries and an
// entry of the order's deliveries[]. delivered_on is the day (Berlin) it
// was recorded.
type deliveryJSON struct {
	ID          int64              `json:"id"`
	No          int                `json:"no"`
	DeliveredOn calendar.Date      `json:"delivered_on"`
	RecordedAt  time.Time          `json:"recorded_at"`
	Note        string             `json:"note"`
	Lines       []deliveryLineJSON `json:"lines"`
}

// deliveryOf is delivery d of order o as the API shows it.
func deliveryOf(o *order.Order, d *order.Delivery) deliveryJSON {
	dj := deliveryJSON{ID: d.ID, No: d.DeliveryNo, DeliveredOn: calendar.Of(d.RecordedAt), RecordedAt: d.RecordedAt, Note: d.Note,
		Lines: []deliveryLineJSON{}}
	for _, dl := range d.Lines {
		serials := dl.Serials
		if serials == nil {
			serials = []string{}
		}
		dlj := deliveryLineJSON{ProductID: productIDOf(dl.ProductID), Quantity: dl.Quantity, Serials: serials}
		if l := o.LineByID(dl.OrderLineID); l != nil {
			dlj.LineNo = l.LineNo
		}
		dj.Lines = append(dj.Lines, dlj)
	}
	return dj
}

// amountsJSON are the sums approval works with (DESIGN §3): one-off
// lines, the monthly rental and seat lines, and the amount that chooses
// the approval stages and is held against the personal limits.
type amountsJSON struct {
	OneOffGrossCents   int64 `json:"one_off_gross_cents"`
	MonthlyGrossCents  int64 `json:"monthly_gross_cents"`
	ApprovalGrossCents int64 `json:"approval_gross_cents"`
}

func amountsOf(a order.Amounts) amountsJSON {
	return amountsJSON{OneOffGrossCents: a.OneOffGrossCents, MonthlyGrossCents: a.MonthlyGrossCents, ApprovalGrossCents: a.ApprovalGrossCents}
}

type orderJSON struct {
	ID              int64           `json:"id"`
	Number          string          `json:"number"`
	State           order.State     `json:"state"`
	StateLabel      string          `json:"state_label"`
	Version         int64           `json:"version"`
	Member          refJSON         `json:"member"`
	Requester       refJSON         `json:"requester"`
	CostCentre      string          `json:"cost_centre"`
	DeliveryAddress string          `json:"delivery_address"`
	Reason          string          `json:"reason"`
	BuyerReference  string          `json:"buyer_reference"`
	DesiredDate     calendar.Date   `json:"desired_date"`
	SubmittedAt     time.Time       `json:"submitted_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
	Lines           []orderLineJSON `json:"lines,omitempty"`
	NetCents        int64           `json:"net_cents"`
	VATCents        int64           `json:"vat_cents"`
	GrossCents      int64           `json:"gross_cents"`
	amountsJSON
	NeedsQuote   bool           `json:"needs_quote"`
	CurrentStage *int           `json:"current_stage"`
	Approvals    []approvalJSON `json:"approvals"`
	Deliveries   []deliveryJSON `json:"deliveries,omitempty"`
	// QuoteID is the newest quotation version; null until the quote
	// package fills it in.
	QuoteID *int64 `json:"quote_id"`
	// Steps are the steps the caller may take now.
	Steps []order.Step `json:"steps"`

	// Urgent and UrgentReason: an Eilbestellung and why (issue 14).
	Urgent       bool   `json:"urgent"`
	UrgentReason string `json:"urgent_reason"`
	// PurchaseOrders are the drop shipments of the order's lines to
	// framework contract suppliers (issue 14), for the provider's staff;
	// absent for members.
	PurchaseOrders *[]purchaseOrderJSON `json:"purchase_orders,omitempty"`
}

// orderOf is one order as the API shows it.
func (h *Handler) orderOf(ctx context.Context, p *account.Principal, o *order.Order, full bool) orderJSON {
	return h.orderWithQuote(ctx, p, o, full, LatestQuoteIDs(ctx, &h.Deps, p, o))
}

// provisioningOf is the provisioning of o's lines by line number; nothing
// for an order without lines that need set-up (or before confirmation).
func (h *Handler) provisioningOf(ctx context.Context, p *account.Principal, o *order.Order) map[int]*provisionJSON {
	if h.Provision == nil || !o.State.Confirmed() {
		return nil
	}
	lines, err := h.Provision.ForOrder(ctx, *p, o.ID)
	if err != nil {
		h.Log.Error("provisioning of order", "order", o.Number, "err", err)
		return nil
	}
	out := make(map[int]*provisionJSON, len(lines))
	for no, l := range lines {
		out[no] = provisionOf(l)
	}
	return out
}

// orderWithQuote builds the JSON with quote_id taken from quotes (order id
// → newest visible quote version), so that a list asks for them once.
func (h *Handler) orderWithQuote(ctx context.Context, p *account.Principal, o *order.Order, full bool, quotes map[int64]int64) orderJSON {
	out := orderJSON{ID: o.ID, Number: o.Number, State: o.State, StateLabel: o.State.Label(), Version: o.Version,
		Member: refJSON{ID: o.OrgID, Name: o.MemberName}, Requester: refJSON{ID: o.RequesterID, Name: o.RequesterName, Email: o.RequesterEmail},
		CostCentre: o.CostCentre, DeliveryAddress: o.DeliveryAddress, Reason: o.Reason, BuyerReference: o.BuyerReference, DesiredDate: o.DesiredDate,
		Urgent: o.Urgent, UrgentReason: o.UrgentReason,
		SubmittedAt: o.SubmittedAt, UpdatedAt: o.UpdatedAt, NetCents: o.NetCents, VATCents: o.VATCents, GrossCents: o.GrossCents,
		amountsJSON: amountsOf(o.Amounts()), Approvals: []approvalJSON{}, Steps: []order.Step{}}
	if o.CurrentStage != 0 && o.State == order.StateSubmitted {
		cs := o.CurrentStage
		out.CurrentStage = &cs
	}
	for _, st := range o.Stages {
		a := approvalJSON{Round: st.Round, Stage: st.StageNo, Role: st.Role, MinGrossCents: st.MinGrossCents, State: st.State,
			Current: st.Round == o.Round && st.StageNo == o.CurrentStage && o.State == order.StateSubmitted, DecidedAt: st.DecidedAt, Comment: st.Comment}
		if st.DecidedBy != nil {
			a.DecidedBy = &refJSON{ID: *st.DecidedBy, Name: st.DecidedByName, Email: st.DecidedByEmail}
		}
		if st.OnBehalfOf != nil {
			a.OnBehalfOf = &refJSON{ID: *st.OnBehalfOf, Name: st.OnBehalfOfName}
		}
		out.Approvals = append(out.Approvals, a)
	}
	if id, ok := quotes[o.ID]; ok {
		out.QuoteID = &id
	}
	if !full {
		return out
	}
	out.NeedsQuote = o.NeedsQuote()
	out.Lines = []orderLineJSON{}
	provisioning := h.provisioningOf(ctx, p, o)
	avail := h.availabilityOf(ctx, p, o)
	for _, l := range o.Lines {
		var av *catalog.Availability
		if a, ok := avail[l.ProductID]; ok && !l.Free() {
			av = &a
		}
		out.Lines = append(out.Lines, orderLineJSON{Availability: av, Provisioning: provisioning[l.LineNo], LineNo: l.LineNo, ProductID: productIDOf(l.ProductID), SKU: l.SKU, Name: l.Name, Unit: l.Unit,
			Quantity: l.Quantity, UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, NetCents: l.NetCents,
			PriceSource: linePriceSource(l.PriceSource, l.ContractNumber), DeliveredQuantity: l.Delivered, SubscriptionID: l.SubscriptionID})
	}
	for _, d := range o.Deliveries {
		out.Deliveries = append(out.Deliveries, deliveryOf(o, d))
	}
	out.Steps = append(out.Steps, h.Orders.AllowedSteps(*p, o)...)
	out.PurchaseOrders = h.purchaseOrdersOf(ctx, p, o.ID)
	return out
}

// availabilityOf is the availability today of the products of o's lines;
// empty when it cannot be read (the order is shown without it).
func (h *Handler) availabilityOf(ctx context.Context, p *account.Principal, o *order.Order) map[int64]catalog.Availability {
	var ids []int64
	for _, l := range o.Lines {
		if !l.Free() {
			ids = append(ids, l.ProductID)
		}
	}
	if len(ids) == 0 || h.Catalog == nil {
		return nil
	}
	if o.Fresh != nil && o.Fresh.Availability != nil {
		return o.Fresh.Availability // read by the submission itself
	}
	out, err := h.Catalog.Availabilities(ctx, *p, ids)
	if err != nil {
		h.Log.Error("availability of order lines", "order", o.Number, "err", err)
		return nil
	}
	return out
}

// productIDOf is an order or delivery line's product for the JSON: null
// (nil) for a free line, whose product id is 0.
func productIDOf(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
