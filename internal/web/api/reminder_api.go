package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// apiReminderBlockPut is PUT /api/v1/invoices/{id}/reminder-block
// {"version","reason"}: finance blocks payment reminders for an invoice
// (Mahnsperre) or changes the block's reason; answers the invoice, whose
// version the step bumps.
func (h *Handler) apiReminderBlockPut(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		Reason string `json:"reason"`
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	inv, err := h.Invoices.BlockReminders(c.UserContext(), *web.Principal(c), id, version, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(invoiceOf(inv, h.Today(), true))
}

// apiReminderBlockDelete is DELETE /api/v1/invoices/{id}/reminder-block
// {"version"}: finance clears the block; the next reminder run reminds
// the invoice again when it is due.
func (h *Handler) apiReminderBlockDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in web.Versioned
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	inv, err := h.Invoices.UnblockReminders(c.UserContext(), *web.Principal(c), id, version)
	if err != nil {
		return err
	}
	return c.JSON(invoiceOf(inv, h.Today(), true))
}
