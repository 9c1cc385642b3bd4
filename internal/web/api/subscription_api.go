package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/calendar"
	"coopshop/internal/subscription"
	"coopshop/internal/web"
)

// apiSubscriptions is GET /api/v1/subscriptions?member_id=&state=&kind=
// &limit=&cursor=: newest first; a member's users see their own member's.
func (h *Handler) apiSubscriptions(c *fiber.Ctx) error {
	lq := web.NewListQuery(c)
	f := subscription.Filter{Limit: lq.Limit(50, 500), BeforeID: lq.ID("cursor"), MemberID: lq.ID("member_id"),
		States: web.States(lq, "state", subscription.States),
		Kind:   subscription.Kind(lq.OneOf("kind", string(subscription.KindRental), string(subscription.KindSeat)))}
	if err := lq.Err(); err != nil {
		return err
	}
	subs, err := h.Subscriptions.List(c.UserContext(), *web.Principal(c), f)
	if err != nil {
		return err
	}
	out := List[subscriptionJSON]{Items: []subscriptionJSON{}}
	for _, s := range subs {
		out.Items = append(out.Items, subscriptionOf(s, h.Today()))
	}
	if len(subs) == f.Limit {
		cur := strconv.FormatInt(subs[len(subs)-1].ID, 10)
		out.NextCursor = &cur
	}
	return c.JSON(out)
}

// apiSubscription is GET /api/v1/subscriptions/{id}; another member's is
// a 404.
func (h *Handler) apiSubscription(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	s, err := h.Subscriptions.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	out := subscriptionOf(s, h.Today())
	r, err := h.Subscriptions.OpenReduction(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	if r != nil {
		out.OpenReduction = reductionOf(r)
	}
	return c.JSON(out)
}

// subscriptionChangeInput is the body of POST /api/v1/subscriptions/{id}/changes.
type subscriptionChangeInput struct {
	web.Versioned
	Quantity      *int64         `json:"quantity"`
	EffectiveFrom *calendar.Date `json:"effective_from"`
	// OrderID names the confirmed change order the change applies.
	OrderID *int64 `json:"order_id"`
	// ReductionID names the member's request for fewer seats it applies.
	ReductionID *int64 `json:"reduction_id"`
}

// apiSubscriptionChange is POST /api/v1/subscriptions/{id}/changes
// {"version","quantity","effective_from"} (sales): the seat count from a
// date; 0 cancels at the end of the notice period.
func (h *Handler) apiSubscriptionChange(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in subscriptionChangeInput
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	ci := subscription.ChangeInput{Quantity: -1, OrderID: in.OrderID, ReductionID: in.ReductionID}
	if in.Quantity != nil {
		ci.Quantity = *in.Quantity
	}
	if in.EffectiveFrom != nil {
		ci.EffectiveFrom = *in.EffectiveFrom
	}
	s, err := h.Subscriptions.ChangeSeats(c.UserContext(), *web.Principal(c), id, version, ci)
	if err != nil {
		return err
	}
	return c.JSON(subscriptionOf(s, h.Today()))
}

// subscriptionEndInput is the body of POST /api/v1/subscriptions/{id}/end.
type subscriptionEndInput struct {
	web.Versioned
	Outcome string         `json:"outcome"`
	On      *calendar.Date `json:"on"`
}

// apiSubscriptionEnd is POST /api/v1/subscriptions/{id}/end
// {"version","outcome":"return|buyout","on"} (sales).
func (h *Handler) apiSubscriptionEnd(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in subscriptionEndInput
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	ei := subscription.EndInput{Outcome: in.Outcome}
	if in.On != nil {
		ei.On = *in.On
	}
	s, err := h.Subscriptions.End(c.UserContext(), *web.Principal(c), id, version, ei)
	if err != nil {
		return err
	}
	return c.JSON(subscriptionOf(s, h.Today()))
}

// billingRunInput is the body of POST /api/v1/billing-runs.
type billingRunInput struct {
	Month string `json:"month"`
}

// apiBillingRun is POST /api/v1/billing-runs {"month":"2026-12"}
// (finance): invoices the month in arrears; 201 with {"month",
// "invoices", "skipped"} (a second run answers no invoices and every
// member skipped). Idempotency-Key as for other creations.
func (h *Handler) apiBillingRun(c *fiber.Ctx) error {
	var in billingRunInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	key, err := web.IdempotencyOf(c)
	if err != nil {
		return err
	}
	res, replay, err := h.Subscriptions.BillingRunOnce(c.UserContext(), *web.Principal(c), in.Month, key)
	if err != nil {
		return err
	}
	if replay {
		c.Set("Idempotent-Replayed", "true")
	}
	today := h.Today()
	out := billingRunJSON{Month: res.Month.String(), Invoices: []invoiceJSON{}, Skipped: res.Skipped, RunID: res.Run.ID, State: res.Run.State,
		Failed: []billingFailureJSON{}}
	for _, inv := range res.Invoices {
		out.Invoices = append(out.Invoices, invoiceOf(inv, today, false))
	}
	for _, f := range res.Failures {
		out.Failed = append(out.Failed, billingFailureJSON{Member: refJSON{ID: f.MemberID, Name: f.MemberName}, Reason: f.Reason})
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// apiBillingRuns is GET /api/v1/billing-runs (finance, auditor, admin):
// the runs, newest month first, with the invoices each created.
func (h *Handler) apiBillingRuns(c *fiber.Ctx) error {
	runs, err := h.Subscriptions.Runs(c.UserContext(), *web.Principal(c), 24)
	if err != nil {
		return err
	}
	out := List[billingRunListJSON]{Items: []billingRunListJSON{}}
	for _, r := range runs {
		rj := billingRunListJSON{ID: r.ID, Month: r.Month, State: r.State, StartedAt: r.StartedAt.UTC().Format(time.RFC3339), Invoices: []billingRunInvoiceJSON{}}
		for _, inv := range r.Invoices {
			rj.Invoices = append(rj.Invoices, billingRunInvoiceJSON{ID: inv.InvoiceID, Number: inv.Number, Member: refJSON{ID: inv.MemberID, Name: inv.MemberName}, GrossCents: inv.GrossCents})
		}
		out.Items = append(out.Items, rj)
	}
	return c.JSON(out)
}

// changeOrderInput is the body of POST /api/v1/subscriptions/{id}/change-orders.
type changeOrderInput struct {
	orderInputJSON
	Quantity int64 `json:"quantity"`
}

// apiSubscriptionChangeOrder is POST /api/v1/subscriptions/{id}/change-orders
// {"quantity", "cost_centre", "delivery_address" or "delivery_address_id",
// "reason", "buyer_reference", "desired_date"} (a purchaser of the
// member): a change order for quantity more seats, an order request
// through the member's approval chain; 201 with the order.
func (h *Handler) apiSubscriptionChangeOrder(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in changeOrderInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	oi := in.input()
	if oi.Idempotency, err = web.IdempotencyOf(c); err != nil {
		return err
	}
	p := web.Principal(c)
	o, replay, err := h.Subscriptions.RequestSeats(c.UserContext(), *p, id, subscription.SeatRequest{Added: in.Quantity, Header: oi})
	if err != nil {
		return err
	}
	if replay {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderLocation, "/api/v1/orders/"+strconv.FormatInt(o.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(h.orderOf(c.UserContext(), p, o, true))
}

// reductionInput is the body of POST /api/v1/subscriptions/{id}/reductions.
type reductionInput struct {
	Quantity *int64 `json:"quantity"`
	Reason   string `json:"reason"`
}

// apiSubscriptionReduction is POST /api/v1/subscriptions/{id}/reductions
// {"quantity","reason"} (a purchaser or member admin of the member):
// fewer seats, or a cancellation with 0. No approval; 201 with the request
// and the earliest day sales may apply it.
func (h *Handler) apiSubscriptionReduction(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in reductionInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ri := subscription.ReductionInput{Quantity: -1, Reason: in.Reason}
	if in.Quantity != nil {
		ri.Quantity = *in.Quantity
	}
	r, err := h.Subscriptions.RequestReduction(c.UserContext(), *web.Principal(c), id, ri)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(reductionOf(r))
}
