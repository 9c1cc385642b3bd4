package web

import (
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/audit"
)

// auditQuery reads ?entity=&id=&cursor=&limit=, each checked (a malformed
// one is a 422 naming it). Who sees what of the trail is the audit
// reader's decision, with each entity's own visibility.
func auditQuery(c *fiber.Ctx) (audit.Query, error) {
	lq := newListQuery(c)
	q := audit.Query{Entity: c.Query("entity"), EntityID: lq.id("id"), BeforeID: lq.id("cursor"), Limit: lq.limit(100, 500)}
	if q.Entity != "" && !entityName.MatchString(q.Entity) {
		lq.fail("entity", "Unbekannte Art (z. B. order, quote, user, product, contract).")
	}
	return q, lq.err()
}

// entityName is what an audited entity kind looks like.
var entityName = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)

func (s *Server) auditEntries(c *fiber.Ctx) ([]audit.Entry, *string, error) {
	q, err := auditQuery(c)
	if err != nil {
		return nil, nil, err
	}
	entries, next, err := s.Audit.List(c.UserContext(), principal(c).Subject, q)
	if err != nil {
		return nil, nil, err
	}
	var cur *string
	if next != 0 {
		n := strconv.FormatInt(next, 10)
		cur = &n
	}
	return entries, cur, nil
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
