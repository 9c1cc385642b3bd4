package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
)

// DATEVHeader is what the first row of a Buchungsstapel names besides its
// fixed fields: the provider's settings, the period and when the file was
// made.
type DATEVHeader struct {
	Settings *invoice.DATEV
	From, To calendar.Date
	Created  time.Time
}

// datevColumns are the 125 column headings of the Buchungsstapel, format
// version 13, in the order of the DATEV format description.
var datevColumns = func() []string {
	c := []string{"Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz", "WKZ Basis-Umsatz",
		"Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto",
		"Buchungstext", "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt", "Zinssperre", "Beleglink"}
	for i := 1; i <= 8; i++ {
		c = append(c, fmt.Sprintf("Beleginfo - Art %d", i), fmt.Sprintf("Beleginfo - Inhalt %d", i))
	}
	c = append(c, "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID (Bestimmung)",
		"EU-Steuersatz (Bestimmung)", "Abw. Versteuerungsart", "Sachverhalt L+L", "Funktionsergänzung L+L",
		"BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung")
	for i := 1; i <= 20; i++ {
		c = append(c, fmt.Sprintf("Zusatzinformation - Art %d", i), fmt.Sprintf("Zusatzinformation- Inhalt %d", i))
	}
	return append(c, "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr", "Zugeordnete Fälligkeit",
		"Skontotyp", "Auftragsnummer", "Buchungstyp", "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)",
		"Sachverhalt L+L (Anzahlungen)", "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz",
		"Buchungs GUID", "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername", "Beteiligtennummer",
		"Identifikationsnummer", "Zeichnernummer", "Postensperre bis", "Bezeichnung SoBil-Sachverhalt",
		"Kennzeichen SoBil-Buchung", "Festschreibung", "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit",
		"Generalumkehr (GU)", "Steuersatz", "Land", "Abrechnungsreferenz", "BVV-Position", "EU-Land u. UStID (Ursprung)",
		"EU-Steuersatz (Ursprung)", "Abw. Skontokonto")
}()

// Positions (0-based) of the columns a booking fills.
const (
	colUmsatz = iota
	colSH
	colWKZ
	_ // Kurs
	_ // Basis-Umsatz
	_ // WKZ Basis-Umsatz
	colKonto
	colGegenkonto
	colBU
	colBelegdatum
	colBelegfeld1
	colBelegfeld2
	_ // Skonto
	colBuchungstext
)

// colFaelligkeit is the position of "Fälligkeit" (field 117).
const colFaelligkeit = 116

// quote is a DATEV text field: in double quotes, a quote inside doubled,
// line breaks and semicolons flattened (the format allows none in a
// field), cut to max characters if max > 0.
func quote(s string, max int) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "\"", "\"\"").Replace(s)
	if r := []rune(s); max > 0 && len(r) > max {
		s = string(r[:max])
	}
	return `"` + s + `"`
}

// headerFields are the 31 fields of the header row (format 700), in
// order.
func headerFields(h DATEVHeader) []string {
	s := h.Settings
	wj := FiscalYearStart(h.From, s.FiscalYearStart)
	return []string{
		quote("EXTF", 0),           // 1 Kennzeichen
		"700",                      // 2 Versionsnummer
		"21",                       // 3 Formatkategorie
		quote("Buchungsstapel", 0), // 4 Formatname
		"13",                       // 5 Formatversion
		h.Created.UTC().Format("20060102150405000"), // 6 Erzeugt am
		"",                                       // 7 Importiert
		quote("RE", 0),                           // 8 Herkunft
		quote("coopshop", 25),                    // 9 Exportiert von
		quote("", 0),                             // 10 Importiert von
		strconv.Itoa(s.ConsultantNumber),         // 11 Beraternummer
		strconv.Itoa(s.ClientNumber),             // 12 Mandantennummer
		wj.Time().Format("20060102"),             // 13 WJ-Beginn
		strconv.Itoa(s.AccountLength),            // 14 Sachkontenlänge
		h.From.Time().Format("20060102"),         // 15 Datum vom
		h.To.Time().Format("20060102"),           // 16 Datum bis
		quote("Ausgangsrechnungen coopshop", 30), // 17 Bezeichnung
		quote("", 0),                             // 18 Diktatkürzel
		"1",                                      // 19 Buchungstyp (Finanzbuchführung)
		"0",                                      // 20 Rechnungslegungszweck
		"0",                                      // 21 Festschreibung (the tax advisor checks first)
		quote("EUR", 0),                          // 22 WKZ
		"",                                       // 23 reserviert
		quote("", 0),                             // 24 Derivatskennzeichen
		"",                                       // 25 reserviert
		"",                                       // 26 reserviert
		quote("03", 0),                           // 27 Sachkontenrahmen (SKR03)
		"",                                       // 28 ID der Branchenlösung
		"",                                       // 29 reserviert
		quote("", 0),                             // 30 reserviert
		quote("", 0),                             // 31 Anwendungsinformation
	}
}

// booking is one line of the Buchungsstapel.
type booking struct {
	cents        int64
	sh           string // S or H
	konto, gegen string
	bu           string
	date         calendar.Date
	beleg1       string
	text         string
	due          calendar.Date
}

func (b booking) fields(row []string) []string {
	for i := range row {
		row[i] = ""
	}
	row[colUmsatz] = germanDecimal(b.cents)
	row[colSH] = quote(b.sh, 0)
	row[colWKZ] = quote("EUR", 0)
	row[colKonto] = b.konto
	row[colGegenkonto] = b.gegen
	row[colBU] = quote(b.bu, 0)
	row[colBelegdatum] = b.date.Time().Format("0201")
	row[colBelegfeld1] = quote(belegfeld(b.beleg1), 0)
	row[colBelegfeld2] = quote("", 0)
	row[colBuchungstext] = quote(b.text, 60)
	if !b.due.IsZero() {
		row[colFaelligkeit] = b.due.Time().Format("02012006")
	}
	return row
}

// belegfeld is Belegfeld 1 as DATEV takes it: at most 36 characters of
// A–Z, 0–9 and $ & % * + - /; an invoice number RE-2026-000001 is one.
func belegfeld(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || strings.ContainsRune("$&%*+-/", r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) > 36 {
		out = out[:36]
	}
	return out
}

// WriteDATEV writes a DATEV Buchungsstapel (EXTF, format 700, category
// 21, version 13) in Windows-1252 with CRLF: the header row, the column
// headings, then per invoice one booking per VAT rate (gross of the rate,
// S, debtor to revenue account), per credit note the same as reversal
// (H), and per payment received one booking bank to debtor. The revenue
// accounts of the SKR03 defaults are automatic accounts (Automatikkonten),
// so no BU-Schlüssel is given: DATEV derives the tax from the account.
func WriteDATEV(w io.Writer, h DATEVHeader, next func() (*invoice.Invoice, error), payments func() (*invoice.ReceivedPayment, error)) error {
	bw := bufio.NewWriterSize(encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder()).Writer(w), 64<<10)
	line := func(fields []string) error {
		_, err := bw.WriteString(strings.Join(fields, ";") + "\r\n")
		return err
	}
	if err := line(headerFields(h)); err != nil {
		return err
	}
	if err := line(datevColumns); err != nil {
		return err
	}
	s := h.Settings
	debtor := func(acct string) string {
		if acct = strings.TrimSpace(acct); acct != "" {
			return acct
		}
		return s.DefaultDebtor
	}
	row := make([]string, len(datevColumns))
	for {
		inv, err := next()
		if err != nil {
			return err
		}
		if inv == nil {
			break
		}
		sh, text := "S", "Rechnung "+inv.MemberName
		if inv.Kind == invoice.KindCreditNote {
			sh, text = "H", "Gutschrift zu "+inv.CreditedNumber+" "+inv.MemberName
		}
		r := rates(inv)
		for _, rate := range []int64{19, 7, 0} {
			sum, ok := r[rate]
			if !ok {
				continue
			}
			b := booking{cents: sum.NetCents + sum.VATCents, sh: sh, konto: debtor(inv.DebtorAccount), gegen: s.RevenueAccount(rate),
				date: inv.IssueDate, beleg1: inv.Number, text: fmt.Sprintf("%s %d %%", text, rate)}
			if inv.Kind == invoice.KindInvoice {
				b.due = inv.DueDate
			}
			if err := line(b.fields(row)); err != nil {
				return err
			}
		}
	}
	for {
		p, err := payments()
		if err != nil {
			return err
		}
		if p == nil {
			break
		}
		b := booking{cents: p.AmountCents, sh: "S", konto: s.BankAccount, gegen: debtor(p.DebtorAccount), date: p.PaidOn,
			beleg1: p.InvoiceNumber, text: "Zahlung " + p.InvoiceNumber + " " + p.MemberName}
		if err := line(b.fields(row)); err != nil {
			return err
		}
	}
	return bw.Flush()
}
