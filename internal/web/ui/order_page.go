package ui

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
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
	Audit    []audit.Entry
	Comment  string // what was typed into the decision form
	Error    string
	Errors   map[string]string
	Delivery deliveryForm
	QuoteID  *int64 // the newest quotation version the viewer may see
	Finance  orderFinance
}

func (h *Handler) loadOrder(c *fiber.Ctx) (*order.Order, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Orders.Get(c.UserContext(), *web.Principal(c), id)
}

func (h *Handler) orderPage(c *fiber.Ctx) error {
	o, err := h.loadOrder(c)
	if err != nil {
		return err
	}
	return h.renderOrder(c, o, orderView{})
}

// renderOrder shows an order with the steps the viewer may take now; err
// (of a failed step) is shown with its status, the typed comment kept.
func (h *Handler) renderOrder(c *fiber.Ctx, o *order.Order, v orderView) (err error) {
	p := web.Principal(c)
	v.Order = o
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
	if h.Authz.Allowed(p.Subject, "read", auditObject(o)) {
		entries, _, err := h.Audit.List(c.UserContext(), p.Subject, audit.Query{Entity: "order", EntityID: o.ID, Limit: 100})
		if err != nil {
			return err
		}
		v.Audit = entries
	}
	return h.Render(c, "order", fiber.Map{"Title": "Bestellung " + o.Number, "V": v})
}

// stepFailed shows the order again with the error of a step, unless the
// error means the order cannot be shown at all.
func (h *Handler) stepFailed(c *fiber.Ctx, id int64, err error, v orderView) error {
	code := apperr.CodeOf(err)
	if code == apperr.Internal || code == apperr.NotFound || code == apperr.Unauthorized {
		return err
	}
	o, gerr := h.Orders.Get(c.UserContext(), *web.Principal(c), id)
	if gerr != nil {
		return gerr
	}
	c.Status(web.Status(code))
	v.Error, v.Errors = apperr.MessageOf(err), fieldErrorMap(err)
	return h.renderOrder(c, o, v)
}

// stepDone goes back to the order page with a flash.
func (h *Handler) stepDone(c *fiber.Ctx, o *order.Order, msg string) error {
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/orders/%d", o.ID), fiber.StatusSeeOther)
}

// formStep reads the id and version of a step form.
func formStep(c *fiber.Ctx) (id, version int64, err error) {
	if id, err = web.ParamID(c, "id"); err != nil {
		return 0, 0, err
	}
	version, err = web.ParseVersion(c.FormValue("version"))
	return id, version, err
}

// ageDays is how many whole days before the server clock's now t was.
func (h *Handler) ageDays(t time.Time) int { return int(h.Clock.Now().Sub(t).Hours() / 24) }

// auditObject is the order's audit trail as the enforcer sees it.
func auditObject(o *order.Order) authz.Object {
	return authz.Object{Kind: "audit", OrgID: o.OrgID}
}
