package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/subscription"
	"coopshop/internal/web"
)

// seatChangeForm is the seat change form as typed.
type seatChangeForm struct {
	Quantity, EffectiveFrom string
}

// endForm is the rental end form as typed.
type endForm struct {
	Outcome, On string
}

// subscriptionView is what the subscription page shows besides the
// subscription: the forms the viewer may use, a failed step's error.
type subscriptionView struct {
	Sub       *subscription.Subscription
	CanChange bool
	CanEnd    bool
	Change    seatChangeForm
	End       endForm
	Error     string
	Errors    map[string]string
	// CanRequest: a purchaser of the member may ask for more seats
	// (a change order); Request is that form as typed, Settings the
	// member's cost centres and addresses.
	CanRequest bool
	Request    seatRequestForm
	Settings   any
	// Open are confirmed change orders sales has not applied yet.
	Open []subscription.ChangeOrder
	// Earliest is the first day fewer seats (or a cancellation) may apply
	// when notice is given today; Reduction is the member's open request
	// for fewer seats (sales applies it, the member sees it waiting).
	Earliest  calendar.Date
	Reduction *subscription.Reduction
	// CanReduce: a purchaser or member admin of the member may ask for
	// fewer seats or cancel; Reduce is that form as typed.
	CanReduce bool
	Reduce    reduceForm
}

// reduceForm is the member's request for fewer seats as typed.
type reduceForm struct {
	Quantity, Reason string
}

// seatRequestForm is the member's change order form as typed.
type seatRequestForm struct {
	Added, CostCentre, AddressID, Reason, Key string
}

// subscriptionPage is GET /subscriptions/:id: a rental or seat
// subscription with its history; sales sees the seat change form or the
// rental end form.
func (h *Handler) subscriptionPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	s, err := h.Subscriptions.Get(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return h.renderSubscription(c, s, subscriptionView{})
}

// renderSubscription shows s; a failed step's error with its status and
// the forms keep what was typed.
func (h *Handler) renderSubscription(c *fiber.Ctx, s *subscription.Subscription, v subscriptionView) error {
	p := web.Principal(c)
	v.Sub = s
	v.CanChange = s.Kind == subscription.KindSeat && s.State == subscription.StateActive && h.Authz.Allowed(p.Subject, authz.SubscriptionChange.Action, s.Object())
	v.CanEnd = s.Kind == subscription.KindRental && s.Outcome == "" && (s.State == subscription.StateActive || s.State == subscription.StateEnding) &&
		h.Authz.Allowed(p.Subject, authz.SubscriptionEnd.Action, s.Object())
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	if s.Kind == subscription.KindSeat && s.State == subscription.StateActive && s.OrgID == p.User.OrgID &&
		h.Authz.Allowed(p.Subject, authz.OrderSubmit.Action, authz.Object{Kind: "order", OrgID: p.User.OrgID}) {
		v.CanRequest = true
		st, err := h.Members.Settings(c.UserContext(), *p, p.User.OrgID)
		if err != nil {
			return err
		}
		v.Settings = st
		if v.Request.Key == "" {
			v.Request.Key = newFormKey()
			if len(st.ActiveAddresses) > 0 {
				v.Request.AddressID = strconv.FormatInt(st.ActiveAddresses[0].ID, 10)
			}
		}
	}
	if s.Kind == subscription.KindSeat && s.State == subscription.StateActive {
		v.Earliest = s.EarliestDecrease(h.Today())
		v.CanReduce = s.OrgID == p.User.OrgID && h.Authz.Allowed(p.Subject, authz.SubscriptionReduce.Action, s.Object())
		r, err := h.Subscriptions.OpenReduction(c.UserContext(), *p, s.ID)
		if err != nil {
			return err
		}
		v.Reduction = r
	}
	if v.CanChange {
		open, err := h.Subscriptions.OpenChangeOrders(c.UserContext(), *p, s.ID)
		if err != nil {
			return err
		}
		v.Open = open
	}
	if v.Change.EffectiveFrom == "" {
		v.Change = seatChangeForm{EffectiveFrom: subscription.MonthOf(h.Today()).Next().First().String()}
	}
	if v.End.On == "" {
		v.End = endForm{Outcome: subscription.OutcomeReturn, On: s.EndDate.String()}
	}
	return h.Render(c, "subscription", fiber.Map{"Title": s.Name, "V": v})
}

// subscriptionStepFailed shows the page again with err.
func (h *Handler) subscriptionStepFailed(c *fiber.Ctx, id int64, err error, v subscriptionView) error {
	code := apperr.CodeOf(err)
	if code != apperr.Invalid && code != apperr.Conflict {
		return err
	}
	s, gerr := h.Subscriptions.Get(c.UserContext(), *web.Principal(c), id)
	if gerr != nil {
		return gerr
	}
	c.Status(web.Status(code))
	v.Error, v.Errors = apperr.MessageOf(err), fieldMap(apperr.FieldsOf(err))
	return h.renderSubscription(c, s, v)
}
