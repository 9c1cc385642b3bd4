package ui

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/export"
	"coopshop/internal/web"
)

// exportRow is one past export as the page lists it.
type exportRow struct {
	At           string
	Who          string
	Format       string
	FromDE, ToDE string
}

// exportRows reads the audit entries' details (format, from, to).
func exportRows(entries []audit.Entry) []exportRow {
	out := make([]exportRow, 0, len(entries))
	for _, e := range entries {
		var d struct{ Format, From, To string }
		_ = json.Unmarshal([]byte(e.Detail), &d)
		r := exportRow{At: e.At.In(calendar.Berlin).Format("02.01.2006 15:04"), Who: e.ActorEmail, Format: export.Format(d.Format).Label()}
		if f, err := calendar.Parse(d.From); err == nil {
			r.FromDE = f.German()
		}
		if t, err := calendar.Parse(d.To); err == nil {
			r.ToDE = t.German()
		}
		out = append(out, r)
	}
	return out
}

// financeExportPage is GET /finance/export: the export form (period,
// format) and the latest exports, who made them and when.
func (h *Handler) financeExportPage(c *fiber.Ctx) error {
	today := h.Today()
	y := today.Time().Year()
	req := export.Request{Format: string(export.FormatCSV), From: calendar.New(y, 1, 1).String(), To: today.String()}
	return h.renderExportForm(c, req, nil)
}

// financeExportDownload is GET /finance/export/download?format=&from=&to=:
// the file, streamed; bad input shows the form again with the field's
// message and what was typed.
func (h *Handler) financeExportDownload(c *fiber.Ctx) error {
	req := export.Request{Format: strings.TrimSpace(c.Query("format")), From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	job, err := h.Exports.Prepare(c.UserContext(), *web.Principal(c), req)
	if apperr.CodeOf(err) == apperr.Invalid {
		return h.renderExportForm(c, req, err)
	}
	if err != nil {
		return err
	}
	return web.StreamExport(c, job, h.Log)
}

// renderExportForm shows the form; err, if any, with its status and at
// its fields.
func (h *Handler) renderExportForm(c *fiber.Ctx, req export.Request, err error) error {
	recent, rerr := h.Exports.Recent(c.UserContext(), *web.Principal(c), 20)
	if rerr != nil {
		return rerr
	}
	data := fiber.Map{"Title": "Export", "F": req, "Formats": export.Formats, "MaxDays": export.DefaultMaxDays,
		"Recent": exportRows(recent), "Errors": map[string]string{}}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		data["Errors"] = fieldMap(apperr.FieldsOf(err))
	}
	return h.Render(c, "finance_export", data)
}
