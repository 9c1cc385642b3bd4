package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/todo"
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
	{"Freigaben", "Angebote mit hohem Rabatt oder Betrag freigeben oder zur Überarbeitung zurückgeben.", "/sales/approvals", authz.QuoteApprove},
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

// home is GET /: the start page, first what waits for the user (issue
// 13: counts and the oldest items, the same list the navigation's badges
// count), then the tiles of the tasks the user may do.
func (h *Handler) home(c *fiber.Ctx) error {
	list, err := h.Todo(c)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	var shown []tile
	seen := map[string]bool{}
	for _, t := range tiles {
		if !seen[t.Href] && h.Authz.Allowed(p.Subject, t.Need.Action, t.Need.On()) {
			shown = append(shown, t)
			seen[t.Href] = true
		}
	}
	return h.Render(c, "home", fiber.Map{"Tiles": shown, "Org": p.User.Org, "Todo": todoView(list)})
}

// todoBlock is one kind of waiting work as the start page shows it.
type todoBlock struct {
	Kind, Label, Text, Href string
	Entries                 []todoEntry
}

// todoEntry is one of the oldest waiting items with its age in German.
type todoEntry struct {
	Title, Href, Since string
	Urgent             bool
}

// todoView turns the to-do list into the start page's German sentences.
func todoView(l todo.List) []todoBlock {
	out := make([]todoBlock, 0, len(l.Items))
	for _, it := range l.Items {
		b := todoBlock{Kind: string(it.Kind), Label: it.Kind.Label(), Text: it.Text(l.Now), Href: it.Href}
		for _, e := range it.Entries {
			b.Entries = append(b.Entries, todoEntry{Title: e.Title, Href: e.Href, Since: todo.Since(e.Since, l.Now), Urgent: e.Urgent})
		}
		out = append(out, b)
	}
	return out
}
