package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/job"
	"coopshop/internal/notify"
	"coopshop/internal/web"
)

// mailRow is one outgoing mail as the outbox page shows it.
type mailRow struct {
	notify.Row
	StateLabel, Tone string
}

// mailsPage is GET /admin/mails: the newest outgoing mails with their
// text and delivery state, so that without SMTP_URL (the demo) admin sees
// what would have been sent instead of reading the log.
func (h *Handler) mailsPage(c *fiber.Ctx) error {
	rows, err := h.Outbox.Recent(c.UserContext(), web.Principal(c).Subject, notify.MaxOutbox)
	if err != nil {
		return err
	}
	out := make([]mailRow, len(rows))
	for i, r := range rows {
		out[i] = mailRow{Row: r}
		switch r.State {
		case job.StateDone:
			out[i].StateLabel, out[i].Tone = "übergeben", "ok"
			if h.Config.SMTPURL == "" {
				out[i].StateLabel, out[i].Tone, out[i].SentAt = "nicht versendet (kein SMTP)", "", nil
			}
		case job.StateFailed:
			out[i].StateLabel, out[i].Tone = "fehlgeschlagen", "bad"
		default:
			out[i].StateLabel, out[i].Tone = "wartet", "warn"
		}
	}
	return h.Render(c, "mails", fiber.Map{"Title": "Ausgehende E-Mails", "Mails": out, "NoSMTP": h.Config.SMTPURL == "", "Max": notify.MaxOutbox})
}
