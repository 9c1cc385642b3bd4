package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/purchase"
	"coopshop/internal/quote"
)

// auditRow is one entry of the trail as people read it: German words for
// the action and the object, the actor's name, and what changed in words
// instead of the stored JSON (the JSON API keeps the raw entry).
type auditRow struct {
	At         time.Time
	Who        string
	Action     string
	Object     string
	ObjectHref string
	Version    int64
	Changes    []string
}

// auditRows turns entries into rows, naming the actors.
func (h *Handler) auditRows(ctx context.Context, entries []audit.Entry) ([]auditRow, error) {
	names, err := h.Audit.ActorNames(ctx, entries)
	if err != nil {
		return nil, err
	}
	out := make([]auditRow, len(entries))
	for i, e := range entries {
		who := "System"
		if e.ActorID != nil {
			who = names[*e.ActorID]
			if who == "" {
				who = "ein gelöschter Benutzer"
			}
		}
		if principal := e.OnBehalfOf(); principal != "" {
			who += " im Auftrag von " + principal
		}
		out[i] = auditRow{At: e.At, Who: who, Action: auditActionLabel(e.Action), Object: entityLabel(e.Entity),
			ObjectHref: entityHref(e.Entity, e.EntityID), Version: e.EntityVersion, Changes: auditChanges(e.Entity, e.Detail)}
		if e.EntityID != 0 {
			out[i].Object += " " + strconv.FormatInt(e.EntityID, 10)
		}
	}
	return out, nil
}

// auditActions names every action the steps and services write.
var auditActions = map[string]string{
	"order.submit":             "Bestellung eingereicht",
	"order.edit":               "Bestellung überarbeitet",
	"order.resubmit":           "Bestellung erneut eingereicht",
	"order.approve":            "Bestellung genehmigt",
	"order.reject":             "Bestellung abgelehnt",
	"order.return":             "Bestellung zur Überarbeitung zurückgegeben",
	"order.withdraw":           "Bestellung zurückgezogen",
	"order.confirm":            "Bestellung bestätigt",
	"order.quote":              "Angebot für die Bestellung begonnen",
	"order.deliver":            "Lieferung erfasst",
	"order.quote_accepted":     "Angebot angenommen, Bestellung bestätigt",
	"order.quote_ended":        "Angebot beendet (abgelehnt oder abgelaufen)",
	"order.invoice":            "Bestellung berechnet",
	"order.credit":             "Rechnung der Bestellung gutgeschrieben",
	"order.paid":               "Bestellung bezahlt",
	"order.reopen":             "Zahlung zurückgebucht, Bestellung wieder offen",
	"quote.create":             "Angebotsentwurf angelegt",
	"quote.edit":               "Angebot bearbeitet",
	"quote.submit":             "Angebot abgeschlossen",
	"quote.return":             "Angebot zurück in Bearbeitung",
	"quote.approve":            "Angebot freigegeben",
	"quote.send":               "Angebot versendet",
	"quote.accept":             "Angebot angenommen",
	"quote.reject":             "Angebot abgelehnt",
	"quote.revise":             "Überarbeitung des Angebots erbeten",
	"quote.expire":             "Angebot abgelaufen",
	"invoice.issue":            "Rechnung ausgestellt",
	"invoice.pay":              "Zahlung erfasst",
	"invoice.mark_paid":        "Zahlung erfasst",
	"invoice.cancel":           "Rechnung storniert",
	"invoice.credit_note":      "Gutschrift ausgestellt",
	"invoice.refund":           "Zahlung erstattet, Rechnung wieder offen",
	"bank_entry.unmatched":     "Zahlungseingang ohne Rechnung eingelesen",
	"bank_entry.assign":        "Zahlungseingang einer Rechnung zugeordnet",
	"member_credit.create":     "Guthaben des Mitglieds angelegt",
	"member_credit.apply":      "Guthaben mit einer Rechnung verrechnet",
	"user.login":               "Angemeldet",
	"user.login_failed":        "Anmeldung fehlgeschlagen",
	"user.roles":               "Rollen geändert",
	"user.export":              "Datenauskunft (DSGVO) erstellt",
	"user.pseudonymize":        "Benutzer pseudonymisiert (DSGVO)",
	"privacy.notice":           "Datenschutzhinweis geändert",
	"privacy.purge":            "Anmeldeprotokoll nach Ablauf der Frist gelöscht",
	"product.create":           "Produkt angelegt",
	"product.update":           "Produkt geändert",
	"product.deactivate":       "Produkt deaktiviert",
	"contract.create":          "Rahmenvertrag angelegt",
	"contract.update":          "Rahmenvertrag geändert",
	"contract.member_quotas":   "Kontingente der Mitglieder festgelegt",
	"contract.quota_transfer":  "Kontingent zwischen Mitgliedern umgebucht",
	"catalog.import":           "Katalog importiert (CSV)",
	"export.invoices":          "Rechnungen exportiert",
	"provider_settings.update": "Rechnungsangaben der KID geändert",
	"billing.update":           "Rechnungseinstellungen des Mitglieds geändert",
	"approval_rules.update":    "Genehmigungsregeln geändert",
	"cost_centre.create":       "Kostenstelle angelegt",
	"cost_centre.update":       "Kostenstelle geändert",
	"cost_centre.delete":       "Kostenstelle gelöscht",
	"delivery_address.create":  "Lieferadresse angelegt",
	"delivery_address.update":  "Lieferadresse geändert",
	"delivery_address.delete":  "Lieferadresse gelöscht",
	// Drop shipment (issue 14).
	"purchase_order.create":  "Bestellung beim Lieferanten angelegt",
	"purchase_order.send":    "Bestellung an den Lieferanten gesendet",
	"purchase_order.confirm": "Bestätigung des Lieferanten erfasst",
	"purchase_order.deliver": "Lieferung des Lieferanten an das Mitglied erfasst",
}

// auditVerbs words the verb of an action the table does not name (one a
// later feature adds), so that the page never shows a raw code.
var auditVerbs = map[string]string{
	"create": "angelegt", "update": "geändert", "delete": "gelöscht", "deactivate": "deaktiviert", "activate": "aktiviert",
	"invite": "eingeladen", "roles": "Rollen geändert", "limit": "Genehmigungsgrenze geändert", "password": "Passwort geändert",
	"password_reset": "Passwort zurückgesetzt", "approve": "genehmigt", "reject": "abgelehnt", "submit": "eingereicht",
	"remind": "erinnert", "escalate": "eskaliert", "send": "versendet", "cancel": "storniert", "import": "importiert",
}

// auditActionLabel is the German name of an action.
func auditActionLabel(action string) string {
	if l, ok := auditActions[action]; ok {
		return l
	}
	entity, verb, _ := strings.Cut(action, ".")
	if v, ok := auditVerbs[verb]; ok {
		return entityLabel(entity) + " " + v
	}
	return entityLabel(entity) + ": " + strings.ReplaceAll(verb, "_", " ")
}

// auditEntities names the kinds of objects in the trail, in the order the
// filter offers them.
var auditEntities = []struct{ Kind, Label string }{
	{"order", "Bestellung"}, {"quote", "Angebot"}, {"invoice", "Rechnung"}, {"product", "Produkt"},
	{"contract", "Rahmenvertrag"}, {"user", "Benutzer"}, {"organisation", "Organisation"},
	{"cost_centre", "Kostenstelle"}, {"delivery_address", "Lieferadresse"}, {"deputy", "Vertretung"},
	{"catalog", "Katalog"}, {"export", "Export"}, {"privacy", "Datenschutz"},
	{"catalog", "Katalog"}, {"export", "Export"}, {"purchase_order", "Bestellung beim Lieferanten"},
}

// entityLabel is the German name of a kind of object.
func entityLabel(kind string) string {
	for _, e := range auditEntities {
		if e.Kind == kind {
			return e.Label
		}
	}
	if kind == "" {
		return "System"
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// entityHref links an object of the trail to its page, "" without one.
func entityHref(kind string, id int64) string {
	if id == 0 {
		return ""
	}
	switch kind {
	case "order":
		return "/orders/" + strconv.FormatInt(id, 10)
	case "quote":
		return "/quotes/" + strconv.FormatInt(id, 10)
	case "invoice":
		return "/invoices/" + strconv.FormatInt(id, 10)
	case "product":
		return "/catalog/products/" + strconv.FormatInt(id, 10)
	case "contract":
		return "/contracts/" + strconv.FormatInt(id, 10)
	}
	return ""
}

// detailFields names the fields of the details in German.
var detailFields = map[string]string{
	"comment": "Kommentar", "reason": "Begründung", "gross_cents": "Brutto", "net_cents": "Netto", "vat_cents": "USt.",
	"amount_cents": "Betrag", "approval_gross_cents": "Genehmigungsbetrag", "list_price_cents": "Listenpreis",
	"price_cents": "Preis", "role": "Rolle", "stage": "Stufe", "stages": "Genehmigungsstufen", "member_stages": "Annahmestufen",
	"number": "Nummer", "order": "Bestellung", "invoice": "Rechnung", "credit_note": "Gutschrift", "credit_note_of": "Gutschrift zu",
	"lines": "Positionen", "valid_until": "Gültig bis", "valid_from": "Gültig ab", "valid_to": "Gültig bis", "paid_on": "Bezahlt am",
	"reference": "Verwendungszweck", "needs_approval": "Freigabe nötig", "reasons": "Gründe", "iban": "IBAN", "bic": "BIC",
	"legal_name": "Firmenname", "debtor_account": "Debitorenkonto", "invoice_email": "Rechnungs-E-Mail",
	"payment_terms_days": "Zahlungsziel (Tage)", "delivery_no": "Lieferung", "delivery_note": "Lieferschein",
	"version_no": "Version", "sku": "Artikelnummer", "name": "Bezeichnung", "kind": "Art", "title": "Titel",
	"supplier": "Lieferant", "active": "Aktiv", "all_members": "Für alle Mitglieder", "unit": "Einheit",
	"vat_percent": "USt.-Satz", "description": "Beschreibung", "quantity": "Menge", "serials": "Seriennummern",
	"failures": "Fehlversuche", "roles": "Rollen", "code": "Code", "label": "Bezeichnung", "address": "Adresse",
	"cost_centre": "Kostenstelle", "buyer_reference": "Bestellzeichen", "desired_date": "Wunschtermin",
	"discount_bp": "Rabatt", "created": "Neu angelegt", "updated": "Aktualisiert", "rows": "Zeilen", "format": "Format",
	"from_date": "Von", "to_date": "Bis", "count": "Anzahl", "min_gross_cents": "Ab Betrag", "approval_limit_cents": "Genehmigungsgrenze",
	"line_no": "Pos.", "free_lines": "Freie Positionen", "quote": "Angebot", "delivery_id": "Lieferung",
	"category": "Kategorie", "deputy": "Vertretung", "on_behalf_of": "Im Auftrag von", "email": "E-Mail",
	"from_quota": "Kontingent des abgebenden Mitglieds", "to_quota": "Kontingent des empfangenden Mitglieds",
	"quotas":    "Kontingente je Mitglied (Nr. → Menge)",
	"pseudonym": "Pseudonym", "roles_revoked": "Entzogene Rollen", "mails_stopped": "Gestoppte E-Mails", "changed": "Ersetzt in",
	"sections": "Abschnitte", "login_entries": "Gelöschte Anmeldeeinträge", "cutoff": "Älter als", "retention_days": "Aufbewahrung (Tage)",
	// Issue 14: availability, urgency, drop shipment.
	"availability": "Verfügbarkeit", "urgent": "Eilbestellung", "urgent_reason": "Eilbegründung",
	"supplier_email": "Bestelladresse des Lieferanten", "supplier_reference": "Auftragsnummer des Lieferanten",
	"confirmed_on": "Bestätigt am", "expected_on": "Zugesagter Liefertermin", "delivered_on": "Geliefert am",
	"note": "Bemerkung", "sha256": "Prüfsumme (SHA-256)",
}

// auditChanges says in words what an entry's details record: the state
// change, then each field (changed values as „alt → neu“), ids left out.
func auditChanges(entity, detail string) []string {
	detail = strings.TrimSpace(detail)
	if detail == "" || detail == "null" || detail == "{}" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(detail), &m); err != nil {
		return []string{detail} // a plain text detail
	}
	var out []string
	from, hasFrom := m["from"].(string)
	to, hasTo := m["to"].(string)
	switch {
	case hasFrom && hasTo && from != to:
		out = append(out, "Status: "+stateLabel(entity, from)+" → "+stateLabel(entity, to))
	case hasTo && !hasFrom:
		out = append(out, "Status: "+stateLabel(entity, to))
	}
	if before, ok := m["before"]; ok {
		out = append(out, "Vorher: "+detailValue("roles", before)+" → nachher: "+detailValue("roles", m["after"]))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		switch {
		case k == "from", k == "to", k == "before", k == "after", k == "id", strings.HasSuffix(k, "_id"), strings.HasSuffix(k, "_ids"):
			continue
		}
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fieldLabel(keys[i]) < fieldLabel(keys[j]) })
	for _, k := range keys {
		out = append(out, fieldLabel(k)+": "+detailValue(k, m[k]))
	}
	return out
}

// fieldLabel is the German name of a detail field.
func fieldLabel(k string) string {
	if l, ok := detailFields[k]; ok {
		return l
	}
	return strings.ReplaceAll(k, "_", " ")
}

// stateLabel is the German name of a state of an order, a quotation or an
// invoice.
func stateLabel(entity, s string) string {
	switch entity {
	case "order":
		return order.State(s).Label()
	case "quote":
		return quote.State(s).Label()
	case "invoice":
		return invoice.State(s).Label()
	case "purchase_order":
		return purchase.State(s).Label()
	}
	return s
}

// detailValue words one value: amounts in euros, dates German, yes/no,
// a pair as „alt → neu“, lists of lines as their count and summary.
func detailValue(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case bool:
		if x {
			return "ja"
		}
		return "nein"
	case float64:
		switch {
		case strings.HasSuffix(key, "_cents"):
			return money.Format(int64(x))
		case key == "discount_bp":
			return quote.Percent(int64(x)) + " %"
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		if key == "role" {
			return authz.RoleLabel(x)
		}
		if d, err := calendar.Parse(x); err == nil && len(x) == 10 {
			return d.German()
		}
		return x
	case []any:
		if len(x) == 2 && !isObject(x[0]) && !isObject(x[1]) && key != "serials" && key != "roles" && key != "reasons" {
			return detailValue(key, x[0]) + " → " + detailValue(key, x[1])
		}
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, detailValue(key, e))
		}
		if key == "lines" {
			return fmt.Sprintf("%d (%s)", len(x), strings.Join(parts, "; "))
		}
		if key == "roles" {
			for i, p := range parts {
				parts[i] = authz.RoleLabel(p)
			}
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			if k != "id" && !strings.HasSuffix(k, "_id") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fieldLabel(k)+" "+detailValue(k, x[k]))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// isObject tells a JSON object from a scalar.
func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}
