package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
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

// contractsPage is /contracts: the framework contracts the caller may see.
func (h *Handler) contractsPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	v, today := h.Catalog.ViewerFor(*p), h.Catalog.Today()
	cs, _, err := h.Catalog.Contracts(c.UserContext(), *p, 0, "")
	if err != nil {
		return err
	}
	rows, err := h.contractRows(c, v, cs, today)
	if err != nil {
		return err
	}
	return h.Render(c, "contracts", fiber.Map{"Title": "Rahmenverträge", "Contracts": rows, "Provider": v.Provider(),
		"CanManage": h.Authz.Allowed(web.Principal(c).Subject, "manage", authz.On("contract"))})
}

// contractPage is /contracts/:id; a contract the member is not eligible
// for is a 404.
func (h *Handler) contractPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	v, today := h.Catalog.ViewerFor(*p), h.Catalog.Today()
	ct, err := h.Catalog.Contract(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	rows, err := h.contractRows(c, v, []*catalog.Contract{ct}, today)
	if err != nil {
		return err
	}
	return h.Render(c, "contract", fiber.Map{"Title": ct.Number, "C": rows[0], "Provider": v.Provider(),
		"CanManage": h.Authz.Allowed(web.Principal(c).Subject, "manage", authz.On("contract"))})
}
