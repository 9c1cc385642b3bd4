package ui

import (
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
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
	// Services are the member's provisioned services (VPN accesses, cloud
	// workplaces …) with the state of each unit; read for one member only
	// (the viewer's own, or the one staff narrowed to), nil otherwise.
	Services []provisionRow
	// WithServices says Services were read, so an empty list means none.
	WithServices bool
}

// subscriptionsPage is GET /subscriptions: for a member's users "Meine
// Verträge und Dienste" (their rentals with end dates, seat counts with
// history, their provisioned services with the state of each unit), for
// the provider's staff the subscriptions per member (?member_id= narrows
// to one and then shows that member's services too). It is the one page
// a member finds its contracts and services on; /dienste redirects here.
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
	servicesOf := f.MemberID
	if !across {
		servicesOf = p.User.OrgID
	}
	if servicesOf != 0 {
		if order, err = h.withServices(c, groups, order, servicesOf); err != nil {
			return err
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].MemberName < order[j].MemberName })
	data := fiber.Map{"Title": "Verträge und Dienste", "Groups": order, "Across": across, "MemberID": member,
		"CanChange": h.Authz.Allowed(p.Subject, authz.SubscriptionChange.Action, authz.SubscriptionChange.On()),
		"CanReduce": !across && h.Authz.Allowed(p.Subject, authz.SubscriptionReduce.Action, authz.Object{Kind: "subscription", OrgID: p.User.OrgID}),
		"Today":     h.Today()}
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

// withServices reads the provisioned services of member memberID into its
// group, adding the group when the member has services but no
// subscription. A viewer who may read subscriptions but not that
// member's orders sees the page without services.
func (h *Handler) withServices(c *fiber.Ctx, groups map[int64]*subscriptionGroup, order []*subscriptionGroup, memberID int64) ([]*subscriptionGroup, error) {
	lines, err := h.Provision.ServicesOf(c.UserContext(), *web.Principal(c), memberID)
	switch code := apperr.CodeOf(err); {
	case err == nil:
	case code == apperr.Forbidden || code == apperr.NotFound:
		return order, nil
	default:
		return nil, err
	}
	g := groups[memberID]
	if g == nil {
		if len(lines) == 0 {
			return order, nil
		}
		g = &subscriptionGroup{MemberID: memberID, MemberName: lines[0].MemberName}
		groups[memberID] = g
		order = append(order, g)
	}
	g.WithServices = true
	for _, l := range lines {
		g.Services = append(g.Services, provisionRowOf(l))
	}
	return order, nil
}
