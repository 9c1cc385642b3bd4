package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// quotesPage is GET /quotes?state=&all=&cursor=: the newest version of
// each quotation (all=1: every version), newest first.
func (h *Handler) quotesPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	lq := web.NewListQuery(c)
	f := quote.Filter{Limit: 50, LatestOnly: lq.OneOf("all", "1", "0") != "1", BeforeID: lq.ID("cursor"), States: web.States(lq, "state", quote.States)}
	state := c.Query("state")
	if err := lq.Err(); err != nil {
		return err
	}
	qs, err := h.Quotes.List(c.UserContext(), *p, f)
	if err != nil {
		return err
	}
	next := ""
	if len(qs) == f.Limit {
		next = strconv.FormatInt(qs[len(qs)-1].ID, 10)
	}
	provider := h.Authz.Allowed(p.Subject, "read", authz.AcrossOrgs("quote"))
	states := quote.States
	if !provider {
		states = nil
		for _, st := range quote.States {
			if !st.Internal() {
				states = append(states, st)
			}
		}
	}
	return h.Render(c, "quotes", fiber.Map{"Title": "Angebote", "Quotes": qs, "States": states, "State": state,
		"All": !f.LatestOnly, "Next": next, "Provider": provider, "Me": memberName(p),
		"CanCreate": h.Authz.Allowed(p.Subject, "create", authz.On("quote"))})
}

func memberName(p *account.Principal) string {
	if p == nil || p.User == nil || p.User.Org == nil {
		return ""
	}
	return p.User.Org.Name
}
