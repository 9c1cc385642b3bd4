package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/web"
)

// servicesPage is GET /dienste: the provisioned services of the viewer's
// member (VPN accesses, cloud workplaces …) with the state of each unit;
// the provider's staff who read every member's orders name the member
// with ?member=ID (the board links there). Issue 12's "Meine Verträge und
// Dienste" shows the same list (provision.Service.ServicesOf).
func (h *Handler) servicesPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	memberID := p.User.OrgID
	if raw := c.Query("member"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		memberID = id
	}
	lines, err := h.Provision.ServicesOf(c.UserContext(), *p, memberID)
	if err != nil {
		return err
	}
	rows := make([]provisionRow, 0, len(lines))
	member := ""
	for _, l := range lines {
		rows = append(rows, provisionRowOf(l))
		member = l.MemberName
	}
	return h.Render(c, "services", fiber.Map{"Title": "Dienste", "Rows": rows, "Member": member,
		"Staff": h.Authz.Allowed(p.Subject, "read", authz.AcrossOrgs("order")) && memberID == p.User.OrgID})
}
