package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/privacy"
	"coopshop/internal/web"
)

// privacySubmit is POST /datenschutz: admin saves the notice's texts as a
// new version (section_key, section_title and section_text repeated per
// section, in the page's order) at the version the form was rendered
// with (0: the defaults).
func (h *Handler) privacySubmit(c *fiber.Ctx) error {
	p := web.Principal(c)
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || version < 0 {
		return apperr.MissingVersion()
	}
	args := c.Request().PostArgs()
	keys, titles, texts := args.PeekMulti("section_key"), args.PeekMulti("section_title"), args.PeekMulti("section_text")
	if len(titles) != len(keys) || len(texts) != len(keys) {
		return apperr.New(apperr.Invalid, "Das Formular ist unvollständig. Bitte laden Sie die Seite neu.")
	}
	var typed []privacy.Section
	for i, k := range keys {
		typed = append(typed, privacy.Section{Key: string(k), Title: string(titles[i]), Text: string(texts[i])})
	}
	_, err = h.Privacy.UpdateNotice(c.UserContext(), *p, version, typed)
	if err == nil {
		h.Flash(c, "Der Datenschutzhinweis ist gespeichert.")
		return c.Redirect("/datenschutz", fiber.StatusSeeOther)
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict:
		c.Status(web.Status(apperr.CodeOf(err)))
		return h.renderPrivacy(c, typed, err)
	}
	return err
}

// saveErrMessage is the message of a failed save.
func saveErrMessage(err error) string { return apperr.MessageOf(err) }
