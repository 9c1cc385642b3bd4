package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/web"
)

// tile is a task on the start page, shown when the user may do it.
type tile struct {
	Title, Text, Href string
	Object, Action    string
}

// tiles lists the start page tasks; each role sees its own.
var tiles = []tile{
	{"Katalog", "Produkte suchen, Ihre Rahmenvertragspreise und Kontingente sehen.", "/catalog", "catalog", "browse"},
	{"Rahmenverträge", "Gültige und künftige Rahmenverträge mit Preisen und Restkontingenten.", "/contracts", "contract", "read"},
	{"Warenkorb", "Ihren Warenkorb prüfen und als Bestellanforderung einreichen.", "/cart", "cart", "use"},
	{"Zur Genehmigung", "Bestellanforderungen, die auf Ihre Entscheidung warten.", "/inbox", "order", "approve"},
	{"Eingang Vertrieb", "Genehmigte Bestellungen aller Mitglieder bestätigen oder anbieten.", "/sales/orders", "order", "confirm"},
	{"Bestellungen", "Bestellungen und ihr Stand: Genehmigung, Bestätigung, Lieferung.", "/orders", "order", "read"},
	{"Bestelleinstellungen", "Genehmigungsstufen, Kostenstellen und Lieferadressen Ihrer Organisation.", "/settings", "settings", "manage"},
	{"Katalogpflege", "Produkte anlegen, ändern und deaktivieren.", "/catalog/manage", "catalog", "manage"},
	{"Rahmenverträge pflegen", "Verträge, Positionen, Kontingente und berechtigte Mitglieder.", "/catalog/manage/contracts", "contract", "manage"},
	{"Angebote", "Angebote entwerfen, freigeben und an die Mitglieder senden.", "/quotes", "quote", "edit"},
	{"Angebote", "Angebote der KID prüfen, annehmen, ablehnen oder um Überarbeitung bitten.", "/quotes", "quote", "accept"},
	{"Angebote", "Angebote und ihre Versionen einsehen.", "/quotes", "quote", "read"},
	{"Benutzer & Rollen", "Benutzer Ihrer Organisation und ihre Rollen verwalten.", "/admin/users", "user", "manage"},
	{"Benutzer einsehen", "Alle Benutzer und Rollen ansehen.", "/admin/users", "user", "list"},
	{"Berechtigungen", "Welche Rolle was darf.", "/admin/policy", "policy", "view"},
	{"Protokoll", "Wer hat wann was geändert.", "/audit", "audit", "read"},
}

func (h *Handler) home(c *fiber.Ctx) error {
	p := web.Principal(c)
	var shown []tile
	seen := map[string]bool{}
	for _, t := range tiles {
		if !seen[t.Href] && h.Authz.Allowed(p.Subject, t.Action, authz.On(t.Object)) {
			shown = append(shown, t)
			seen[t.Href] = true
		}
	}
	return h.Render(c, "home", fiber.Map{"Tiles": shown, "Org": p.User.Org})
}
