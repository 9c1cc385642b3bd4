package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/privacy"
	"coopshop/internal/web"
)

// privacyPage is GET /datenschutz: the privacy notice for every logged-in
// user – what is stored, why, for how long –, with the retention periods
// this installation runs with; admin edits the texts on the same page.
func (h *Handler) privacyPage(c *fiber.Ctx) error {
	return h.renderPrivacy(c, nil, nil)
}

// renderPrivacy shows the notice; typed sections and an error after a
// failed save.
func (h *Handler) renderPrivacy(c *fiber.Ctx, typed []privacy.Section, saveErr error) error {
	p := web.Principal(c)
	n, err := h.Privacy.Notice(c.UserContext(), p.Subject)
	if err != nil {
		return err
	}
	var shown []sectionView
	for _, s := range n.Sections {
		shown = append(shown, sectionView{Key: s.Key, Title: s.Title, Paragraphs: paragraphs(s.Text)})
	}
	data := fiber.Map{"Title": "Datenschutz", "Notice": n, "Sections": shown, "Form": n.Sections, "CanEdit": h.Privacy.CanEditNotice(p.Subject),
		"Periods": h.retentionPeriods(), "Errors": map[string]string{}}
	if typed != nil {
		data["Form"] = typed
	}
	if saveErr != nil {
		data["EditError"], data["Errors"] = saveErrMessage(saveErr), fieldErrorMap(saveErr)
	}
	return h.Render(c, "privacy", data)
}

// sectionView is a section of the notice as the page shows it.
type sectionView struct {
	Key, Title string
	Paragraphs []string
}

// period is one retention period of this installation.
type period struct{ What, How string }

// retentionPeriods are the periods the configuration sets, as the page
// states them.
func (h *Handler) retentionPeriods() []period {
	return []period{
		{"Browser-Sitzung ohne Nutzung", germanDuration(h.Config.SessionTTL)},
		{"API-Zugangstoken", germanDuration(h.Config.TokenTTL)},
		{"Fehlgeschlagene Anmeldungen mit IP-Adresse (Schutz vor Angriffen)", germanDuration(min(h.Config.LoginRetention, 24*time.Hour))},
		{"Protokolleinträge über Anmeldungen", germanDuration(h.Config.LoginRetention)},
		{"Ausgestellte Belege (Rechnungen, Gutschriften, Angebote, Auftragsbestätigungen)", "10 Jahre, unverändert (GoBD)"},
	}
}

// germanDuration says d in whole days or hours: "30 Tage", "8 Stunden".
func germanDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		if n := int(d / (24 * time.Hour)); n != 1 {
			return fmt.Sprintf("%d Tage", n)
		}
		return "1 Tag"
	case d >= time.Hour && d%time.Hour == 0:
		if n := int(d / time.Hour); n != 1 {
			return fmt.Sprintf("%d Stunden", n)
		}
		return "1 Stunde"
	default:
		return fmt.Sprintf("%d Minuten", int(d/time.Minute))
	}
}

// paragraphs splits a section's text at blank lines, for the page.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
