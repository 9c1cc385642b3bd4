package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/order"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// orderView is what the order page shows besides the order.
type orderView struct {
	Order    *order.Order
	Steps    map[string]bool // step name → the viewer may take it now
	Current  []*order.Stage  // the approval chain of the current submission
	Earlier  []*order.Stage  // chains of earlier submissions (returned)
	Audit    []auditRow
	Comment  string // what was typed into the decision form
	Error    string
	Errors   map[string]string
	Delivery deliveryForm
	QuoteID  *int64 // the newest quotation version the viewer may see
	Finance  orderFinance
	// Documents are the order's issued documents with their downloads.
	Documents []orderDocument
	// Provisioning is the units of the lines that need set-up, in line
	// order; CanProvision tells whether the viewer moves them (board).
	Provisioning []provisionRow
	CanProvision bool
	// Lines are the order's lines with price badges and discounts.
	Lines orderLinesView
	// Reorder offers "nochmal bestellen" and "als Bestellliste
	// speichern" (order_reorder.go).
	Reorder reorderView
	// PurchaseOrders are the drop shipments to suppliers (issue 14), for
	// the provider's staff.
	PurchaseOrders []purchaseRow
}

// loadOrder loads the order of the :id parameter for the caller.
func (h *Handler) loadOrder(c *fiber.Ctx) (*order.Order, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Orders.Get(c.UserContext(), *web.Principal(c), id)
}

// orderPage is GET /orders/:id: the order with the steps the viewer may
// take.
func (h *Handler) orderPage(c *fiber.Ctx) error {
	o, err := h.loadOrder(c)
	if err != nil {
		return err
	}
	return h.renderOrder(c, o, keptOrderView(h.TakeForm(c)))
}

// renderOrder shows an order with the steps the viewer may take now; err
// (of a failed step) is shown with its status, the typed comment kept.
func (h *Handler) renderOrder(c *fiber.Ctx, o *order.Order, v orderView) (err error) {
	p := web.Principal(c)
	// What hangs on the order (its invoices, documents, trail) is read by
	// services that ask for the order again: they get this one.
	c.SetUserContext(order.Seen(c.UserContext(), o))
	v.Order = o
	v.Lines = orderLines(o)
	v.Reorder = h.reorderOf(c, o)
	if err := h.lineAvailability(c, o, &v.Lines); err != nil {
		return err
	}
	if id, ok := api.LatestQuoteIDs(c.UserContext(), &h.Deps, p, o)[o.ID]; ok {
		v.QuoteID = &id
	}
	v.Steps = map[string]bool{}
	for _, st := range h.Orders.AllowedSteps(*p, o) {
		v.Steps[string(st)] = true
	}
	for _, st := range o.Stages {
		if st.Round == o.Round {
			v.Current = append(v.Current, st)
		} else {
			v.Earlier = append(v.Earlier, st)
		}
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	if v.Finance, err = h.orderFinance(c, o); err != nil {
		return err
	}
	if v.Documents, err = h.orderDocuments(c, o); err != nil {
		return err
	}
	if v.PurchaseOrders, err = h.purchaseRows(c, o); err != nil {
		return err
	}
	if err := h.orderProvisioning(c, o, &v); err != nil {
		return err
	}
	if h.Authz.Allowed(p.Subject, "read", auditObject(o)) {
		entries, _, err := h.Audit.List(c.UserContext(), p.Subject, audit.Query{Entity: "order", EntityID: o.ID, Limit: 100})
		if err != nil {
			return err
		}
		if v.Audit, err = h.auditRows(c.UserContext(), entries); err != nil {
			return err
		}
	}
	return h.Render(c, "order", fiber.Map{"Title": "Bestellung " + o.Number, "V": v})
}

// orderProvisioning adds the units to provision of o's lines with the
// last steps on each (one read of the trails for all lines); nothing
// before the confirmation, which creates them.
func (h *Handler) orderProvisioning(c *fiber.Ctx, o *order.Order, v *orderView) error {
	if h.Provision == nil || !o.State.Confirmed() {
		return nil
	}
	p := web.Principal(c)
	lines, err := h.Provision.ForOrder(c.UserContext(), *p, o.ID)
	if err != nil {
		return err
	}
	for _, l := range o.Lines {
		if pl, ok := lines[l.LineNo]; ok {
			v.Provisioning = append(v.Provisioning, provisionRowOf(pl))
		}
	}
	v.CanProvision = len(v.Provisioning) > 0 && h.Authz.Allowed(p.Subject, "provision", o.Object())
	if len(v.Provisioning) == 0 || !h.Authz.Allowed(p.Subject, "read", auditObject(o)) {
		return nil
	}
	ids := make([]int64, 0, len(v.Provisioning))
	for _, r := range v.Provisioning {
		ids = append(ids, r.Line.ID)
	}
	// The lines belong to the order just shown to the viewer: whoever sees
	// the order sees their trails (provision.Service.AuditScope).
	trails, err := h.Audit.Trails(c.UserContext(), p.Subject, "provisioning", ids, 20)
	if err != nil {
		return err
	}
	for i, r := range v.Provisioning {
		for _, e := range trails[r.Line.ID] {
			v.Provisioning[i].Steps = append(v.Provisioning[i].Steps, provisionStepOf(e))
		}
	}
	return nil
}

// auditObject is the order's audit trail as the enforcer sees it.
func auditObject(o *order.Order) authz.Object {
	return authz.Object{Kind: "audit", OrgID: o.OrgID}
}

// lineAvailability adds the products' availability today to the lines of
// the order page: what the purchaser and sales need to know about when
// the goods can come (issue 14).
func (h *Handler) lineAvailability(c *fiber.Ctx, o *order.Order, lv *orderLinesView) error {
	var ids []int64
	for _, l := range o.Lines {
		if !l.Free() {
			ids = append(ids, l.ProductID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	avail, err := h.Catalog.Availabilities(c.UserContext(), *web.Principal(c), ids)
	if err != nil {
		return err
	}
	for i := range lv.Lines {
		if a, ok := avail[lv.Lines[i].ProductID]; ok && !lv.Lines[i].Free() {
			lv.Lines[i].Availability = &a
		}
	}
	return nil
}
