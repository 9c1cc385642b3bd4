package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/backup"
	"coopshop/internal/job"
	"coopshop/internal/operations"
	"coopshop/internal/web"
)

// jobKindLabels name the kinds of background jobs in German words.
var jobKindLabels = map[string]string{
	"mail":                     "E-Mail",
	"invoice.mail":             "Rechnungsversand",
	"invoice.reminder_mail":    "Zahlungserinnerung",
	"document.issue":           "Dokument erstellen (PDF)",
	"notify.order":             "Benachrichtigung zu einer Bestellung",
	"notify.quote":             "Benachrichtigung zu einem Angebot",
	"order.reminders":          "Erinnerungen an Genehmigende",
	"subscription.billing_run": "Monatlicher Abrechnungslauf",
	"subscription.daily":       "Tagesrunde Mieten und Abonnements",
	backup.KindNightly:         "Nächtliche Sicherung",
}

// jobKindLabel is the German name of a job kind (the kind itself when it
// has none).
func jobKindLabel(kind string) string {
	if l, ok := jobKindLabels[kind]; ok {
		return l
	}
	return kind
}

// jobRow is one job as the operator's page lists it.
type jobRow struct {
	*job.Job
	Label string
	About string // what it concerns, e.g. "Bestellung #7"
}

// kindRow is one line of the jobs-by-kind table.
type kindRow struct {
	operations.KindStat
	Label string
}

// backupRow is one backup file with its size in words.
type backupRow struct {
	backup.File
	Size string
}

var entityLabels = map[string]string{"order": "Bestellung", "quote": "Angebot", "invoice": "Rechnung", "subscription": "Vertrag", "user": "Benutzer"}

func jobRows(jobs []*job.Job) []jobRow {
	out := make([]jobRow, len(jobs))
	for i, j := range jobs {
		out[i] = jobRow{Job: j, Label: jobKindLabel(j.Kind)}
		if j.Entity != "" {
			e := entityLabels[j.Entity]
			if e == "" {
				e = j.Entity
			}
			out[i].About = fmt.Sprintf("%s #%d", e, j.EntityID)
		}
	}
	return out
}

// byteSize writes a size the German way: 12,3 MB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d Byte", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	s := fmt.Sprintf("%.1f %s", v, []string{"KB", "MB", "GB", "TB"}[i])
	b := []byte(s)
	for k := range b {
		if b[k] == '.' {
			b[k] = ','
		}
	}
	return string(b)
}

// operationsPage is GET /admin/operations ("Betrieb"): what an operator
// checks – jobs that failed or wait, mails, backups, database size,
// migrations – with a retry for failed jobs.
func (h *Handler) operationsPage(c *fiber.Ctx) error {
	o, err := h.Operations.Overview(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	kinds := make([]kindRow, len(o.Kinds))
	for i, k := range o.Kinds {
		kinds[i] = kindRow{KindStat: k, Label: jobKindLabel(k.Kind)}
	}
	slices.SortFunc(kinds, func(a, b kindRow) int { return strings.Compare(a.Label, b.Label) })
	backups := make([]backupRow, len(o.Backups))
	for i, b := range o.Backups {
		backups[i] = backupRow{File: b, Size: byteSize(b.Size)}
	}
	applied := 0
	for _, m := range o.Migrations {
		if m.AppliedAt != nil {
			applied++
		}
	}
	var last *backupRow
	if len(backups) > 0 {
		last = &backups[0]
	}
	data := fiber.Map{
		"Title": "Betrieb", "O": o, "Kinds": kinds, "Failed": jobRows(o.Failed), "Retrying": jobRows(o.Retrying), "Upcoming": jobRows(o.Upcoming),
		"Backups": backups, "LastBackup": last, "DBSize": byteSize(o.Database.SizeBytes), "Applied": applied,
		"BackupStale": last == nil || o.Now.Sub(last.ModTime) > 36*time.Hour,
		"NoSMTP":      h.Config.SMTPURL == "",
	}
	if fs := h.TakeForm(c); fs != nil {
		data["Error"] = fs.Error
		c.Status(fs.Status)
	}
	return h.Render(c, "operations", data)
}

// operationsRetry is POST /admin/operations/jobs/:id/retry ("Jetzt
// erneut versuchen"): the job runs again at once; the form carries the
// job's version as the page showed it (its attempts), so that a job that
// changed meanwhile is a conflict instead of a second retry.
func (h *Handler) operationsRetry(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	j, err := h.Operations.Retry(c.UserContext(), *web.Principal(c), id, int(formVersion(c)))
	if err != nil {
		if code := apperr.CodeOf(err); code == apperr.Internal || code == apperr.NotFound {
			return err
		}
		h.KeepForm(c, web.FormFromError("/admin/operations", err))
		return c.Redirect("/admin/operations", fiber.StatusSeeOther)
	}
	h.Flash(c, fmt.Sprintf("Auftrag #%d (%s) wird jetzt erneut versucht.", j.ID, jobKindLabel(j.Kind)))
	return c.Redirect("/admin/operations", fiber.StatusSeeOther)
}
