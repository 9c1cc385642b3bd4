package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
)

// auditQuery reads ?entity=&id=&cursor=. Who sees what of the trail is
// the audit reader's decision, with each entity's own visibility.
func auditQuery(c *fiber.Ctx) (audit.Query, error) {
	q := audit.Query{Entity: c.Query("entity"), Limit: 100}
	if raw := c.Query("id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return q, apperr.Fields("Bitte prüfen Sie den Filter.", apperr.FieldError{Field: "id", Message: "Die Nummer ist eine ganze Zahl ab 1."})
		}
		q.EntityID = id
	}
	q.BeforeID, _ = strconv.ParseInt(c.Query("cursor"), 10, 64)
	return q, nil
}

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
