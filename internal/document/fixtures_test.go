package document

import (
	"fmt"
	"time"

	"coopshop/internal/money"
)

// Fixtures shared by the tests and benchmarks: the demo provider and
// members of DESIGN.md §7.

var (
	kid = Party{
		Name:   "KID Magdeburg",
		Street: "Alter Markt 1",
		Zip:    "39104",
		City:   "Magdeburg",
		VATID:  "DE123456789",
		Email:  "vertrieb@kid-magdeburg.de",
		Phone:  "0391 540-0",
	}
	boerde = Party{
		Name:       "Landkreis Börde",
		Department: "Amt für Zentrale Dienste – IT",
		Street:     "Farsleber Straße 19",
		Zip:        "39340",
		City:       "Haldensleben",
		LeitwegID:  "15083000-0001-45",
	}
	docDate = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	footer  = []string{
		"KID Magdeburg GmbH\nAlter Markt 1 · 39104 Magdeburg\nGeschäftsführung: Erika Mustermann",
		"Amtsgericht Stendal HRB 12345\nUSt-IdNr. DE123456789",
		"Stadtsparkasse Magdeburg\nIBAN DE12 8105 3272 0012 3456 78\nBIC NOLADE21MDG",
		"Telefon 0391 540-0\nvertrieb@kid-magdeburg.de\nwww.kid-magdeburg.de",
	}
)

// line builds a consistent line: NetCents from money.LineNet.
func line(pos int, sku, text string, qty int64, unit string, price, discountBP, vat int64) Line {
	return Line{
		Position: pos, SKU: sku, Text: text, Quantity: qty, Unit: unit,
		UnitPriceCents: price, DiscountBP: discountBP, VATPercent: vat,
		NetCents: money.LineNet(qty, price, discountBP),
	}
}

// smallDoc is a four-line document of the given kind. The 19 % lines sum to
// 1.234,56 € (849,00 + 340,20 + 45,36); with the 7 % book the gross total
// is 1.533,22 € (net 1.294,46, VAT 234,57 + 4,19), computed by hand.
func smallDoc(kind Kind) Document {
	nb := line(1, "NB-T14-G5", "Notebook Lenovo ThinkPad T14 Gen 5, 14\" WUXGA, 32 GB RAM, 1 TB SSD", 1, "Stück", 84900, 0, 19)
	nb.Detail = "Rahmenvertrag RV-2026-003 · Seriennummer wird bei Lieferung mitgeteilt"
	return Document{
		Kind:       kind,
		Number:     "AN-2026-000045",
		VersionNo:  2,
		Date:       docDate,
		ValidUntil: docDate.AddDate(0, 0, 30),
		Reference:  "Ihre Bestellanforderung BA-2026-000123",
		Meta: [][2]string{
			{"Kostenstelle", "4711 – Schulverwaltung"},
			{"Lieferadresse", "Stadt Weißenfels, Markt 1, 06667 Weißenfels"},
			{"Bearbeiter", "Jürgen Weiß"},
		},
		Issuer:    kid,
		Recipient: boerde,
		Intro:     "Sehr geehrte Damen und Herren,\nvielen Dank für Ihre Anfrage. Gern bieten wir Ihnen „wie besprochen“ an:",
		Lines: []Line{
			nb,
			line(2, "DS-USB-C", "Dockingstation USB-C mit Netzteil", 2, "Stück", 18900, 1000, 19),
			line(3, "SV-INST", "Installation und Einrichtung vor Ort – pauschal", 1, "Pausch.", 4536, 0, 19),
			line(4, "BU-KHR", "Fachbuch „Kommunales Haushaltsrecht Sachsen-Anhalt“", 1, "Stück", 5990, 0, 7),
		},
		Terms: []string{
			"Zahlungsbedingungen: 30 Tage netto ohne Abzug nach Rechnungseingang.",
			"Lieferung frei Haus innerhalb von 10 Werktagen nach Auftragseingang.",
		},
		Note:   "Mit freundlichen Grüßen\nIhr Vertriebsteam der KID Magdeburg",
		Footer: footer,
	}
}

// manyLines returns n lines, every fifth with detail text and every seventh
// with a description long enough to wrap.
func manyLines(n int) []Line {
	lines := make([]Line, n)
	for i := range lines {
		text := fmt.Sprintf("Artikel %03d Monitor 27\" IPS", i+1)
		if i%7 == 3 {
			text += " mit höhenverstellbarem Standfuß, USB-C-Hub und integrierten Lautsprechern"
		}
		l := line(i+1, fmt.Sprintf("MON-%03d", i+1), text, int64(1+i%5), "Stück", 21990+int64(i)*13, int64(i%4)*250, 19)
		if i%5 == 0 {
			l.Detail = fmt.Sprintf("Detail %03d: Lieferung an Stadt Weißenfels, Gebäude B", i+1)
		}
		lines[i] = l
	}
	return lines
}

// invoiceDoc is an invoice with n one-line rows of monthly services at
// both VAT rates; 20 rows fit on one page.
func invoiceDoc(n int) Document {
	d := smallDoc(KindInvoice)
	d.Number, d.VersionNo, d.ValidUntil = "RE-2026-000001", 0, time.Time{}
	d.Reference = "Auftrag AB-2026-000077"
	d.Lines = make([]Line, n)
	for i := range d.Lines {
		vat := int64(19)
		text := "Cloud-Arbeitsplatz „Basis“ 11/2026"
		if i%6 == 5 {
			vat, text = 7, "Zeitschrift „Der Gemeindehaushalt“"
		}
		d.Lines[i] = line(i+1, fmt.Sprintf("CW-BAS-%02d", i+1), text, int64(1+i%3), "Monat", 3990+int64(i)*100, 0, vat)
	}
	d.Intro = "für die im November 2026 erbrachten Leistungen berechnen wir Ihnen:"
	d.Terms = []string{"Zahlbar bis 22.12.2026 ohne Abzug. Bitte geben Sie die Rechnungsnummer als Verwendungszweck an."}
	d.Note = ""
	return d
}

// quoteDoc is a quote with n lines.
func quoteDoc(n int) Document {
	d := smallDoc(KindQuote)
	d.Lines = manyLines(n)
	return d
}
