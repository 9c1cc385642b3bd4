package web

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
)

// contractRow is a contract prepared for the pages.
type contractRow struct {
	contractJSON
	Badge   catalogBadge
	Members string // eligible members in words, for the provider
}

// QuotaText describes a line's quota for the viewer, as the catalog does.
func (l contractLineJSON) QuotaText() string {
	var parts []string
	if l.QuotaTotal != nil {
		parts = append(parts, fmt.Sprintf("noch %d von %d", *l.RemainingTotal, *l.QuotaTotal))
	}
	if l.QuotaPerMember != nil {
		if l.RemainingMember != nil {
			parts = append(parts, fmt.Sprintf("Ihr Kontingent: noch %d von %d", *l.RemainingMember, *l.QuotaPerMember))
		} else {
			parts = append(parts, fmt.Sprintf("je Mitglied %d", *l.QuotaPerMember))
		}
	}
	if len(parts) == 0 {
		return "unbegrenzt"
	}
	return strings.Join(parts, " · ")
}

func (s *Server) contractRows(c *fiber.Ctx, v catalog.Viewer, cs []*catalog.Contract, today calendar.Date) ([]contractRow, error) {
	names := map[int64]string{}
	if v.Provider() {
		orgs, err := account.ListOrganisations(c.UserContext(), s.DB)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
	}
	out := make([]contractRow, 0, len(cs))
	for _, ct := range cs {
		r := contractRow{contractJSON: newContractJSON(ct, v, today)}
		switch r.State {
		case catalog.StateValid:
			r.Badge = catalogBadge{r.StateLabel, "ok"}
		case catalog.StateFuture:
			r.Badge = catalogBadge{r.StateLabel, "warn"}
		default:
			r.Badge = catalogBadge{r.StateLabel, "bad"}
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
func (s *Server) contractsPage(c *fiber.Ctx) error {
	v := catalogViewer(principal(c))
	today := s.today()
	cs, _, err := catalog.VisibleContracts(c.UserContext(), s.DB, v, today, 0, "")
	if err != nil {
		return err
	}
	rows, err := s.contractRows(c, v, cs, today)
	if err != nil {
		return err
	}
	return s.render(c, "contracts", fiber.Map{"Title": "Rahmenverträge", "Contracts": rows, "Provider": v.Provider(),
		"CanManage": s.Authz.Allowed(principal(c).Subject, "manage", authz.On("contract"))})
}

// contractPage is /contracts/:id; a contract the member is not eligible
// for is a 404.
func (s *Server) contractPage(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v := catalogViewer(principal(c))
	today := s.today()
	ct, err := catalog.VisibleContract(c.UserContext(), s.DB, v, id, today)
	if err != nil {
		return err
	}
	rows, err := s.contractRows(c, v, []*catalog.Contract{ct}, today)
	if err != nil {
		return err
	}
	return s.render(c, "contract", fiber.Map{"Title": ct.Number, "C": rows[0], "Provider": v.Provider(),
		"CanManage": s.Authz.Allowed(principal(c).Subject, "manage", authz.On("contract"))})
}
