package api

import (
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/audit"
	"coopshop/internal/web"
)

// auditQuery reads ?entity=&id=&cursor=&limit=, each checked (a malformed
// one is a 422 naming it). Who sees what of the trail is the audit
// reader's decision, with each entity's own visibility.
func auditQuery(c *fiber.Ctx) (audit.Query, error) {
	lq := web.NewListQuery(c)
	q := audit.Query{Entity: c.Query("entity"), EntityID: lq.ID("id"), BeforeID: lq.ID("cursor"), Limit: lq.Limit(100, 500)}
	if q.Entity != "" && !entityName.MatchString(q.Entity) {
		lq.Fail("entity", "Unbekannte Art (z. B. order, quote, user, product, contract).")
	}
	return q, lq.Err()
}

// entityName is what an audited entity kind looks like.
var entityName = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)

// AuditEntries is the page of the audit trail the query of c asks for, as
// the caller may see it, and the cursor of the next page.
func AuditEntries(c *fiber.Ctx, reader *audit.Reader) ([]audit.Entry, *string, error) {
	q, err := auditQuery(c)
	if err != nil {
		return nil, nil, err
	}
	entries, next, err := reader.List(c.UserContext(), web.Principal(c).Subject, q)
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

// apiAudit is GET /api/v1/audit?entity=&id=&cursor=&limit=.
func (h *Handler) apiAudit(c *fiber.Ctx) error {
	entries, next, err := AuditEntries(c, h.Audit)
	if err != nil {
		return err
	}
	return c.JSON(List[audit.Entry]{Items: entries, NextCursor: next})
}
