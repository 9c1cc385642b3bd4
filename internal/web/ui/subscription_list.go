package ui

import (
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/subscription"
	"coopshop/internal/web"
)

// subscriptionGroup is one member's subscriptions, as sales sees them.
type subscriptionGroup struct {
	MemberID     int64
	MemberName   string
	Rentals      []*subscription.Subscription
	Seats        []*subscription.Subscription
	MonthlyCents int64 // monthly net of what runs now
}

// subscriptionsPage is GET /subscriptions: for a member's users "Meine
// Verträge und Dienste" (their rentals with end dates, seat counts with
// history, services waiting for set-up), for the provider's staff the
// subscriptions per member (?member_id= narrows to one).
func (h *Handler) subscriptionsPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	f := subscription.Filter{Limit: 500}
	member := c.Query("member_id")
	if member != "" {
		id, err := strconv.ParseInt(member, 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		f.MemberID = id
	}
	subs, err := h.Subscriptions.List(c.UserContext(), *p, f)
	if err != nil {
		return err
	}
	across := h.Authz.Allowed(p.Subject, "read", authz.AcrossOrgs("subscription"))
	groups := map[int64]*subscriptionGroup{}
	var order []*subscriptionGroup
	for _, s := range subs {
		g := groups[s.OrgID]
		if g == nil {
			g = &subscriptionGroup{MemberID: s.OrgID, MemberName: s.MemberName}
			groups[s.OrgID] = g
			order = append(order, g)
		}
		if s.Kind == subscription.KindRental {
			g.Rentals = append(g.Rentals, s)
		} else {
			g.Seats = append(g.Seats, s)
		}
		if s.State == subscription.StateActive || s.State == subscription.StateEnding {
			g.MonthlyCents += s.MonthlyNetCents()
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].MemberName < order[j].MemberName })
	data := fiber.Map{"Title": "Verträge und Dienste", "Groups": order, "Across": across, "MemberID": member,
		"CanChange": h.Authz.Allowed(p.Subject, authz.SubscriptionChange.Action, authz.SubscriptionChange.On())}
	if across {
		members, err := h.Subscriptions.Members(c.UserContext(), *p)
		if err != nil {
			return err
		}
		data["Members"] = members
		data["Title"] = "Abonnements und Mietverträge"
	}
	return h.Render(c, "subscriptions", data)
}
