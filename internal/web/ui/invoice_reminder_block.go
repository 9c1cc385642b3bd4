package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// formVersion is the version field of a form; a missing or bad one is 0,
// which the domain answers with its "version missing" error.
func formVersion(c *fiber.Ctx) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue("version")), 10, 64)
	return v
}

// invoiceBlockSubmit is POST /invoices/:id/reminder-block: finance blocks
// payment reminders for an invoice with a reason (Mahnsperre).
func (h *Handler) invoiceBlockSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	inv, err := h.Invoices.BlockReminders(c.UserContext(), *web.Principal(c), id, formVersion(c), reason)
	if err != nil {
		return h.invoiceStepFailed(c, id, err, invoiceView{BlockReason: reason})
	}
	h.Flash(c, fmt.Sprintf("Mahnsperre für %s gesetzt: Es werden keine Zahlungserinnerungen versandt.", inv.Number))
	return c.Redirect(fmt.Sprintf("/invoices/%d", inv.ID), fiber.StatusSeeOther)
}

// invoiceUnblockSubmit is POST /invoices/:id/reminder-block/delete:
// finance clears the reminder block.
func (h *Handler) invoiceUnblockSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.Invoices.UnblockReminders(c.UserContext(), *web.Principal(c), id, formVersion(c))
	if err != nil {
		return h.invoiceStepFailed(c, id, err, invoiceView{})
	}
	h.Flash(c, fmt.Sprintf("Mahnsperre für %s aufgehoben.", inv.Number))
	return c.Redirect(fmt.Sprintf("/invoices/%d", inv.ID), fiber.StatusSeeOther)
}
