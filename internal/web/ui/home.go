package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/web"
)

// tile is a task on the start page, shown when the user may do it.
type tile struct {
	Title, Text, Href string
	Need              authz.Right
}

// tiles lists the start page tasks; each role sees its own.
var tiles = []tile{
	{"Katalog", "Produkte suchen, Ihre Rahmenvertragspreise und Kontingente sehen.", "/catalog", authz.CatalogBrowse},
	{"Rahmenverträge", "Gültige und künftige Rahmenverträge mit Preisen und Restkontingenten.", "/contracts", authz.ContractRead},
	{"Warenkorb", "Ihren Warenkorb prüfen und als Bestellanforderung einreichen.", "/cart", authz.CartUse},
	{"Zur Genehmigung", "Bestellanforderungen, die auf Ihre Entscheidung warten.", "/inbox", authz.OrderApprove},
	{"Eingang Vertrieb", "Genehmigte Bestellungen aller Mitglieder bestätigen oder anbieten.", "/sales/orders", authz.OrderConfirm},
	{"Bestellungen", "Bestellungen und ihr Stand: Genehmigung, Bestätigung, Lieferung.", "/orders", authz.OrderRead},
	{"Finanzen", "Was zu tun ist: Geliefertes berechnen, überfällige Rechnungen, Zahlungseingänge.", "/finance", authz.InvoiceCreate},
	{"Rechnungen", "Rechnungen und Gutschriften mit offenem Betrag, Zahlungen und PDF.", "/invoices", authz.InvoiceRead},
	{"Bestelleinstellungen", "Genehmigungsstufen, Kostenstellen und Lieferadressen Ihrer Organisation.", "/settings", authz.SettingsManage},
	{"Katalogpflege", "Produkte anlegen, ändern und deaktivieren.", "/catalog/manage", authz.CatalogManage},
	{"Rahmenverträge pflegen", "Verträge, Positionen, Kontingente und berechtigte Mitglieder.", "/catalog/manage/contracts", authz.ContractManage},
	{"Angebote", "Angebote entwerfen, freigeben und an die Mitglieder senden.", "/quotes", authz.QuoteEdit},
	{"Angebote", "Angebote der KID prüfen, annehmen, ablehnen oder um Überarbeitung bitten.", "/quotes", authz.QuoteAccept},
	{"Angebote", "Angebote und ihre Versionen einsehen.", "/quotes", authz.QuoteRead},
	{"Benutzer & Rollen", "Benutzer Ihrer Organisation und ihre Rollen verwalten.", "/admin/users", authz.UserManage},
	{"Benutzer einsehen", "Alle Benutzer und Rollen ansehen.", "/admin/users", authz.UserList},
	{"Berechtigungen", "Welche Rolle was darf.", "/admin/policy", authz.PolicyView},
	{"Rechnungsangaben", "Firmierung, Steuernummer und Bankverbindung, die jede Rechnung druckt.", "/admin/provider", authz.ProviderSettingsManage},
	{"Protokoll", "Wer hat wann was geändert.", "/audit", authz.AuditRead},
}

// home is GET /: the start page with the tiles of the tasks the user may
// do.
func (h *Handler) home(c *fiber.Ctx) error {
	p := web.Principal(c)
	var shown []tile
	seen := map[string]bool{}
	for _, t := range tiles {
		if !seen[t.Href] && h.Authz.Allowed(p.Subject, t.Need.Action, t.Need.On()) {
			shown = append(shown, t)
			seen[t.Href] = true
		}
	}
	return h.Render(c, "home", fiber.Map{"Tiles": shown, "Org": p.User.Org})
}
