package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/privacy"
	"coopshop/internal/web"
)

// apiUserExport is GET /api/v1/users/{id}/export: everything coopshop
// holds about the user (DSGVO Art. 15), for the member admin (own member)
// and admin; another member's user is a 404.
func (h *Handler) apiUserExport(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	ex, err := h.Privacy.Export(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(ex)
}

// apiUserPseudonymize is POST /api/v1/users/{id}/pseudonymize
// {"version"}: the departed user's account ends and their name and
// address are replaced by a pseudonym, issued documents kept (DSGVO Art.
// 17). 200 with what was done; a stale version is a 409.
func (h *Handler) apiUserPseudonymize(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in web.Versioned
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	res, err := h.Privacy.Pseudonymize(c.UserContext(), *web.Principal(c), id, version)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// apiPrivacyNotice is GET /api/v1/privacy: the privacy notice.
func (h *Handler) apiPrivacyNotice(c *fiber.Ctx) error {
	n, err := h.Privacy.Notice(c.UserContext(), web.Principal(c).Subject)
	if err != nil {
		return err
	}
	return c.JSON(n)
}

// noticeChange is the body of PUT /api/v1/privacy. Its version may be 0:
// the defaults were never saved.
type noticeChange struct {
	Version  *int64            `json:"version"`
	Sections []privacy.Section `json:"sections"`
}

// apiPrivacyNoticeUpdate is PUT /api/v1/privacy {"version","sections":
// [{"key","title","text"}]}: admin saves a new version of the notice;
// the version seen is required (0 for the defaults), a stale one is a
// 409.
func (h *Handler) apiPrivacyNoticeUpdate(c *fiber.Ctx) error {
	var in noticeChange
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version == nil || *in.Version < 0 {
		return apperr.MissingVersion()
	}
	n, err := h.Privacy.UpdateNotice(c.UserContext(), *web.Principal(c), *in.Version, in.Sections)
	if err != nil {
		return err
	}
	return c.JSON(n)
}
