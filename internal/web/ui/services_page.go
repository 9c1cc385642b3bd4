package ui

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// servicesPage is GET /dienste, kept for bookmarks and old mails: the
// member's provisioned services moved onto "Meine Verträge und Dienste"
// so a member finds contracts and services on one page. It redirects
// there, to the services section; the provider's staff's ?member=ID
// becomes that page's ?member_id=ID.
func (h *Handler) servicesPage(c *fiber.Ctx) error {
	target := "/subscriptions"
	if raw := c.Query("member"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		target += "?" + url.Values{"member_id": {strconv.FormatInt(id, 10)}}.Encode()
	}
	return c.Redirect(target+"#dienste", fiber.StatusMovedPermanently)
}
