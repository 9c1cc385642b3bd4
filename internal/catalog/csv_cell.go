package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"coopshop/internal/money"
)

// cellReader checks the cells of one row, recording each error.
type cellReader struct {
	rec  record
	errs *errorList
	ok   bool
}

func (c *cellReader) fail(col, format string, args ...any) {
	c.errs.add(c.rec.line, col, format, args...)
	c.ok = false
}

// text reads a single-line text cell of at most max characters.
func (c *cellReader) text(col string, required bool, max int) string {
	v := c.rec.get(col)
	switch {
	case v == "" && required:
		c.fail(col, "Darf nicht leer sein.")
	case utf8.RuneCountInString(v) > max:
		c.fail(col, "Höchstens %d Zeichen (hier %d).", max, utf8.RuneCountInString(v))
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		c.fail(col, "Enthält unzulässige Steuerzeichen.")
	}
	return v
}

// multiline reads a text cell that may hold line breaks and tabs.
func (c *cellReader) multiline(col string, max int) string {
	v := strings.ReplaceAll(strings.ReplaceAll(c.rec.get(col), "\r\n", "\n"), "\r", "\n")
	bad := strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' })
	switch {
	case utf8.RuneCountInString(v) > max:
		c.fail(col, "Höchstens %d Zeichen (hier %d).", max, utf8.RuneCountInString(v))
	case bad >= 0:
		c.fail(col, "Enthält unzulässige Steuerzeichen.")
	}
	return v
}

// amount reads a German euro amount (1.234,56) that must not be negative.
func (c *cellReader) amount(col string) int64 {
	v := c.rec.get(col)
	if v == "" {
		c.fail(col, "Darf nicht leer sein (Betrag in Euro, z. B. 1.234,56).")
		return 0
	}
	cents, err := money.Parse(v)
	switch {
	case err != nil:
		c.fail(col, "„%s“ ist kein gültiger Betrag. Erwartet wird z. B. 1.234,56 (Komma vor den Cent, höchstens zwei Nachkommastellen).", v)
	case cents < 0:
		c.fail(col, "Der Betrag darf nicht negativ sein.")
	}
	return cents
}

// optAmount reads an amount that may be empty (nil).
func (c *cellReader) optAmount(col string) *int64 {
	if c.rec.get(col) == "" {
		return nil
	}
	v := c.amount(col)
	return &v
}

// count reads a whole non-negative number ("1.000" allowed); empty gives nil.
func (c *cellReader) count(col string, min, max int64) *int64 {
	v := c.rec.get(col)
	if v == "" {
		return nil
	}
	cents, err := money.Parse(v)
	if err != nil || cents%100 != 0 || strings.ContainsAny(v, "€+") {
		c.fail(col, "„%s“ ist keine ganze Zahl.", v)
		return nil
	}
	n := cents / 100
	if n < min || n > max {
		c.fail(col, "Erlaubt ist %d bis %d (hier %d).", min, max, n)
		return nil
	}
	return &n
}

// flag reads ja/nein, 1/0 or x/empty.
func (c *cellReader) flag(col string) bool {
	v := c.rec.get(col)
	switch strings.ToLower(v) {
	case "ja", "j", "1", "x", "wahr", "true", "yes":
		return true
	case "nein", "n", "0", "", "falsch", "false", "no":
		return false
	}
	c.fail(col, "„%s“ ist kein Ja/Nein-Wert (erlaubt: ja, nein, 1, 0, x oder leer).", v)
	return false
}

// kindNames maps the accepted spellings of Art to the product kinds.
var kindNames = map[string]string{
	"hardware": KindHardware, "dienstleistung": KindService, "service": KindService,
	"mietmodell": KindRental, "miete": KindRental, "rental": KindRental,
	"arbeitsplatz": KindSeat, "lizenz": KindSeat, "seat": KindSeat,
	strings.ToLower(KindLabel(KindSeat)): KindSeat,
}

func (c *cellReader) kind(col string) string {
	v := c.rec.get(col)
	k, ok := kindNames[headerKey(v)]
	if !ok {
		if v == "" {
			c.fail(col, "Darf nicht leer sein (Hardware, Dienstleistung, Mietmodell oder Arbeitsplatz).")
		} else {
			c.fail(col, "Unbekannte Art „%s“ (erlaubt: Hardware, Dienstleistung, Mietmodell oder Arbeitsplatz).", v)
		}
	}
	return k
}

// vat reads 19, 7 or 0, with an optional percent sign ("19 %", "7,0%").
func (c *cellReader) vat(col string) int64 {
	v := c.rec.get(col)
	s := strings.TrimSpace(strings.TrimSuffix(v, "%"))
	cents, err := money.Parse(s)
	if err == nil && !strings.ContainsAny(s, "€+-") && (cents == 1900 || cents == 700 || cents == 0) {
		return cents / 100
	}
	if v == "" {
		c.fail(col, "Darf nicht leer sein (19, 7 oder 0 %%).")
	} else {
		c.fail(col, "Unbekannter Steuersatz „%s“ (erlaubt: 19, 7 oder 0 %%).", v)
	}
	return 0
}

// vatExempt reads the reason of a 0 % product: "§ 4", "§ 2b" (with or
// without "UStG"), or the stored codes; empty stays empty (the form's
// rules then ask for it at 0 %).
func (c *cellReader) vatExempt(col string) string {
	v := strings.TrimSpace(c.rec.get(col))
	key := strings.ToLower(strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(v, "UStG")), ",")), ""))
	switch key {
	case "":
		return ""
	case "§4", "4", VATExempt4:
		return VATExempt4
	case "§2b", "2b", VATNotTaxable2b:
		return VATNotTaxable2b
	}
	c.fail(col, "Unbekannter Grund „%s“ (erlaubt: § 4 oder § 2b).", v)
	return ""
}

// productColumnOf names the CSV column of a ProductInput field.
var productColumnOf = map[string]string{
	"sku": colSKU, "name": colName, "description": colDescription, "category_id": colCategory, "kind": colKind, "unit": colUnit,
	"list_price_cents": colListPrice, "vat_percent": colVAT, "vat_exempt_reason": colVATExempt, "rental_term_months": colTermMonths,
	"rental_monthly_cents": colMonthly, "rental_buyout_cents": colBuyout, "notice_months": colNotice, "end_reminder_months": colReminder,
}

// parseProductRow reads the cells of a row; a row whose cells all read is
// then held to the same rules as the product form (ProductInput.Validate).
func parseProductRow(rec record, errs *errorList) (ProductRow, bool) {
	c := cellReader{rec: rec, errs: errs, ok: true}
	p := ProductRow{Line: rec.line}
	p.SKU = c.text(colSKU, true, 64)
	p.Name = c.text(colName, true, 200)
	p.Description = c.multiline(colDescription, 5000)
	p.Category = c.text(colCategory, false, 100)
	p.Kind = c.kind(colKind)
	p.Unit = c.text(colUnit, false, 40)
	if p.Unit == "" {
		p.Unit = "Stück"
	}
	p.ListPriceCents = c.amount(colListPrice)
	p.VATPercent = c.vat(colVAT)
	p.VATExemptReason = c.vatExempt(colVATExempt)
	p.Active = !rec.has(colActive) || c.flag(colActive)
	p.QuoteOnly = rec.has(colQuoteOnly) && c.flag(colQuoteOnly)
	if p.Kind == KindRental {
		for _, col := range []string{colTermMonths, colMonthly} {
			switch {
			case !rec.has(col):
				c.fail(col, "Für Mietmodelle Pflicht – die Spalte „%s“ fehlt in der Datei.", col)
			case rec.get(col) == "":
				c.fail(col, "Für Mietmodelle Pflicht.")
			}
		}
	}
	p.RentalTermMonths = c.count(colTermMonths, 0, 1_000_000)
	p.RentalMonthlyCents = c.optAmount(colMonthly)
	p.RentalBuyoutCents = c.optAmount(colBuyout)
	p.SetupRequired = rec.has(colSetup) && c.flag(colSetup)
	p.NoticeMonths = c.count(colNotice, 0, 24)
	p.EndReminderMonths = c.count(colReminder, 0, 24)
	if !c.ok {
		return p, false
	}
	in := ProductInput{SKU: p.SKU, Name: p.Name, Description: p.Description, Kind: p.Kind, Unit: p.Unit,
		ListPriceCents: p.ListPriceCents, VATPercent: p.VATPercent, VATExemptReason: p.VATExemptReason, Active: p.Active, QuoteOnly: p.QuoteOnly,
		RentalTermMonths: p.RentalTermMonths, RentalMonthlyCents: p.RentalMonthlyCents, RentalBuyoutCents: p.RentalBuyoutCents,
		SetupRequired: p.SetupRequired, NoticeMonths: p.NoticeMonths, EndReminderMonths: p.EndReminderMonths}
	for _, fe := range in.Validate() {
		col, ok := productColumnOf[fe.Field]
		if !ok {
			col = fe.Field
		}
		c.fail(col, "%s", fe.Message)
	}
	return p, c.ok
}

func parseContractLineRow(rec record, errs *errorList) (ContractLineRow, bool) {
	c := cellReader{rec: rec, errs: errs, ok: true}
	l := ContractLineRow{Line: rec.line, MinQuantity: 1}
	l.ContractNumber = c.text(colContract, true, 64)
	l.SKU = c.text(colSKU, true, 64)
	l.PriceCents = c.amount(colContractPrice)
	const maxCount = 1_000_000_000
	l.QuotaTotal = c.count(colQuotaTotal, 0, maxCount)
	l.QuotaPerMember = c.count(colQuotaPerMember, 0, maxCount)
	if m := c.count(colMinQuantity, 1, maxCount); m != nil {
		l.MinQuantity = *m
	}
	if l.QuotaTotal != nil && l.QuotaPerMember != nil && *l.QuotaPerMember > *l.QuotaTotal {
		c.fail(colQuotaPerMember, "Das Kontingent je Mitglied (%d) ist größer als das Gesamtkontingent (%d).", *l.QuotaPerMember, *l.QuotaTotal)
	}
	return l, c.ok
}
