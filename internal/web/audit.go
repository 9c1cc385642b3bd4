package web

import (
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/audit"
	"coopshop/internal/authz"
)

// auditFilter reads ?entity=&id=&cursor= and narrows members to their own
// organisation's entries: who may read the whole trail is the enforcer's
// answer for an object of another organisation.
func (s *Server) auditFilter(c *fiber.Ctx) (audit.Filter, error) {
	p := principal(c)
	lq := newListQuery(c)
	f := audit.Filter{Entity: c.Query("entity"), EntityID: lq.id("id"), BeforeID: lq.id("cursor"), Limit: lq.limit(100, 500)}
	if f.Entity != "" && !entityName.MatchString(f.Entity) {
		lq.fail("entity", "Unbekannte Art (z. B. order, quote, user, product, contract).")
	}
	if err := lq.err(); err != nil {
		return f, err
	}
	if !s.Authz.Allowed(p.Subject, "read", authz.AcrossOrgs("audit")) {
		f.OrgID = p.User.OrgID
	}
	return f, nil
}

// entityName is what an audited entity kind looks like.
var entityName = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)

func (s *Server) auditEntries(c *fiber.Ctx) ([]audit.Entry, *string, error) {
	f, err := s.auditFilter(c)
	if err != nil {
		return nil, nil, err
	}
	entries, err := audit.List(c.UserContext(), s.DB, f)
	if err != nil {
		return nil, nil, err
	}
	var next *string
	if len(entries) == f.Limit {
		cur := strconv.FormatInt(entries[len(entries)-1].ID, 10)
		next = &cur
	}
	return entries, next, nil
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	entries, next, err := s.auditEntries(c)
	if err != nil {
		return err
	}
	return s.render(c, "audit", fiber.Map{"Entries": entries, "Next": next, "Entity": c.Query("entity"), "ID": c.Query("id")})
}

func (s *Server) apiAudit(c *fiber.Ctx) error {
	entries, next, err := s.auditEntries(c)
	if err != nil {
		return err
	}
	return c.JSON(list[audit.Entry]{Items: entries, NextCursor: next})
}
