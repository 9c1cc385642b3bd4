package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// contractRow is a contract prepared for the pages.
type contractRow struct {
	api.ContractJSON
	Badge   api.CatalogBadge
	Members string // eligible members in words, for the provider
}

// contractRows prepares contracts for the pages, with their members' names
// for the provider.
func (h *Handler) contractRows(c *fiber.Ctx, v catalog.Viewer, cs []*catalog.Contract, today calendar.Date) ([]contractRow, error) {
	names := map[int64]string{}
	if v.Provider() {
		orgs, err := h.Catalog.Members(c.UserContext(), *web.Principal(c))
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
	}
	out := make([]contractRow, 0, len(cs))
	for _, ct := range cs {
		r := contractRow{ContractJSON: api.NewContractJSON(ct, v, today)}
		switch r.State {
		case catalog.StateValid:
			r.Badge = api.CatalogBadge{Text: r.StateLabel, Class: "ok"}
		case catalog.StateFuture:
			r.Badge = api.CatalogBadge{Text: r.StateLabel, Class: "warn"}
		default:
			r.Badge = api.CatalogBadge{Text: r.StateLabel, Class: "bad"}
		}
		if v.Provider() {
			if ct.AllMembers {
				r.Members = "alle Mitglieder"
			} else {
				var ms []string
				for _, id := range ct.Members {
					ms = append(ms, names[id])
				}
				r.Members = strings.Join(ms, ", ")
			}
		}
		out = append(out, r)
	}
	return out, nil
}
