package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"coopshop/internal/apperr"
	"coopshop/internal/money"
)

// The two kinds of CSV file the catalog imports (the ?kind= of the API).
const (
	ImportProducts      = "products"
	ImportContractLines = "contract_lines"
)

// MaxImportBytes bounds an import file. It is above the web server's body
// limit, so a file that reached the server is never cut off here.
const MaxImportBytes = 64 << 20

// maxErrors is how many row errors a report lists; the rest are counted.
const maxErrors = 200

// Column names of the CSV files, as the clerks know them from the
// template. Headers match them ignoring case, order and surrounding spaces.
const (
	colSKU            = "Artikelnummer"
	colName           = "Bezeichnung"
	colDescription    = "Beschreibung"
	colCategory       = "Kategorie"
	colKind           = "Art"
	colUnit           = "Einheit"
	colListPrice      = "Listenpreis netto"
	colVAT            = "MwSt"
	colActive         = "Aktiv"
	colQuoteOnly      = "Nur auf Anfrage"
	colTermMonths     = "Laufzeit Monate"
	colMonthly        = "Monatsrate"
	colBuyout         = "Ablösebetrag"
	colContract       = "Vertragsnummer"
	colContractPrice  = "Vertragspreis"
	colQuotaTotal     = "Gesamtkontingent"
	colQuotaPerMember = "Kontingent je Mitglied"
	colMinQuantity    = "Mindestmenge"
)

// ImportColumn describes one column of an import file, for the template
// and the format help on the import page.
type ImportColumn struct {
	Name     string
	Required bool   // the header must name it (a cell may still be optional)
	Format   string // German explanation of the allowed values
	Example  string // the value of the template's example row
}

var productColumns = []ImportColumn{
	{colSKU, true, "Buchstaben, Ziffern und . _ - /, höchstens 64 Zeichen; eine vorhandene Artikelnummer (gleich in welcher Schreibweise) wird aktualisiert", "NB-14-G5"},
	{colName, true, "Pflichtfeld, höchstens 200 Zeichen", "Notebook 14\" Business G5"},
	{colDescription, false, "frei, höchstens 5000 Zeichen, auch mehrzeilig", "16 GB RAM, 512 GB SSD, 3 Jahre Vor-Ort-Service"},
	{colCategory, false, "Name der Kategorie; fehlende Kategorien werden angelegt, leer = keine", "Notebooks"},
	{colKind, true, "Hardware, Dienstleistung, Mietmodell oder Arbeitsplatz", "Hardware"},
	{colUnit, false, "z. B. Stück, Stunde, Nutzer/Monat; leer = Stück", "Stück"},
	{colListPrice, true, "Betrag in Euro mit Dezimalkomma, z. B. 1.049,00; 0 nur bei „Nur auf Anfrage“", "1.049,00"},
	{colVAT, true, "19, 7 oder 0 (mit oder ohne %)", "19 %"},
	{colActive, false, "ja/nein, 1/0 oder x/leer; ohne Spalte: ja", "ja"},
	{colQuoteOnly, false, "ja/nein, 1/0 oder x/leer; ohne Spalte: nein", "nein"},
	{colTermMonths, false, "nur bei Mietmodell, dort Pflicht: ganze Monate (1–120)", ""},
	{colMonthly, false, "nur bei Mietmodell, dort Pflicht: Betrag in Euro, größer als 0", ""},
	{colBuyout, false, "nur bei Mietmodell, freiwillig: Betrag in Euro", ""},
}

var contractLineColumns = []ImportColumn{
	{colContract, true, "Nummer eines vorhandenen Rahmenvertrags", "RV-2026-NB-01"},
	{colSKU, true, "Artikelnummer eines vorhandenen Produkts", "NB-LEN-T14-G5"},
	{colContractPrice, true, "Betrag in Euro mit Dezimalkomma, z. B. 849,00", "849,00"},
	{colQuotaTotal, false, "ganze Zahl; leer = unbegrenzt; nie unter der bereits bestellten Menge", "250"},
	{colQuotaPerMember, false, "ganze Zahl; leer = unbegrenzt", "50"},
	{colMinQuantity, false, "ganze Zahl ab 1; leer = 1", "1"},
}

// ImportColumns lists the columns of an import kind in template order.
func ImportColumns(kind string) []ImportColumn {
	switch kind {
	case ImportProducts:
		return productColumns
	case ImportContractLines:
		return contractLineColumns
	}
	return nil
}

// ImportTemplate is a CSV file with the header and one example row, with a
// byte order mark so that Excel opens it as UTF-8.
func ImportTemplate(kind string) ([]byte, error) {
	cols := ImportColumns(kind)
	if cols == nil {
		return nil, apperr.New(apperr.Invalid, "Unbekannte Importart „%s“.", kind)
	}
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	header, example := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		header[i], example[i] = c.Name, c.Example
	}
	w.Write(header)
	w.Write(example)
	w.Flush()
	return b.Bytes(), w.Error()
}

// RowError is one problem of an import file: the physical line (the header
// is line 1), the column and a German reason.
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// errorList collects row errors, keeping the first maxErrors.
type errorList struct {
	list []RowError
	more int
}

func (e *errorList) add(line int, column, format string, args ...any) {
	if len(e.list) >= maxErrors {
		e.more++
		return
	}
	e.list = append(e.list, RowError{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (e *errorList) any() bool { return len(e.list) > 0 }

// ProductRow is one valid data row of a products file.
type ProductRow struct {
	Line               int
	SKU                string
	Name               string
	Description        string
	Category           string // empty: none
	Kind               string // one of Kinds
	Unit               string
	ListPriceCents     int64
	VATPercent         int64
	Active             bool
	QuoteOnly          bool
	RentalTermMonths   *int64 // set exactly for rental products
	RentalMonthlyCents *int64
	RentalBuyoutCents  *int64
}

// ProductSheet is a parsed products file. Present tells which optional
// columns the file has: a missing one keeps the stored value on update.
// Errors holds the first 200 problems, MoreErrors counts the rest.
type ProductSheet struct {
	DataRows   int // non-blank rows after the header, good or bad
	Rows       []ProductRow
	Present    map[string]bool
	Errors     []RowError
	MoreErrors int
}

// ContractLineRow is one valid data row of a contract lines file.
type ContractLineRow struct {
	Line           int
	ContractNumber string
	SKU            string
	PriceCents     int64
	QuotaTotal     *int64 // nil: unlimited
	QuotaPerMember *int64 // nil: unlimited
	MinQuantity    int64
}

// ContractLineSheet is a parsed contract lines file; Present and the
// errors as in ProductSheet.
type ContractLineSheet struct {
	DataRows   int
	Rows       []ContractLineRow
	Present    map[string]bool
	Errors     []RowError
	MoreErrors int
}

// ParseProductsCSV reads a products file and checks every cell, the rules
// of the product form and SKU duplicates within the file (ignoring case,
// as SKUs are unique without case); whether SKUs exist is for the import
// to decide. Rows with errors are left out of the sheet.
func ParseProductsCSV(r io.Reader) (sheet ProductSheet) {
	var errs errorList
	defer func() { sheet.Errors, sheet.MoreErrors = errs.list, errs.more }()
	seen := map[string]int{}
	t := readTable(r, productColumns, &errs)
	if t == nil {
		return sheet
	}
	sheet.Present, sheet.DataRows = t.present, t.dataRows
	for _, rec := range t.rows {
		row, ok := parseProductRow(rec, &errs)
		if !ok {
			continue
		}
		key := strings.ToLower(row.SKU)
		if first, dup := seen[key]; dup {
			errs.add(rec.line, colSKU, "Die Artikelnummer „%s“ steht schon in Zeile %d.", row.SKU, first)
			continue
		}
		seen[key] = rec.line
		sheet.Rows = append(sheet.Rows, row)
	}
	if !errs.any() && len(sheet.Rows) == 0 {
		errs.add(t.headerLine, "", "Die Datei enthält keine Datenzeilen.")
	}
	return sheet
}

// ParseContractLinesCSV reads a contract lines file and checks every cell
// and duplicates (same contract and SKU twice) within the file.
func ParseContractLinesCSV(r io.Reader) (sheet ContractLineSheet) {
	var errs errorList
	defer func() { sheet.Errors, sheet.MoreErrors = errs.list, errs.more }()
	seen := map[[2]string]int{}
	t := readTable(r, contractLineColumns, &errs)
	if t == nil {
		return sheet
	}
	sheet.Present, sheet.DataRows = t.present, t.dataRows
	for _, rec := range t.rows {
		row, ok := parseContractLineRow(rec, &errs)
		if !ok {
			continue
		}
		key := [2]string{strings.ToLower(row.ContractNumber), strings.ToLower(row.SKU)}
		if first, dup := seen[key]; dup {
			errs.add(rec.line, colSKU, "Die Artikelnummer „%s“ steht für Rahmenvertrag %s schon in Zeile %d.", row.SKU, row.ContractNumber, first)
			continue
		}
		seen[key] = rec.line
		sheet.Rows = append(sheet.Rows, row)
	}
	if !errs.any() && len(sheet.Rows) == 0 {
		errs.add(t.headerLine, "", "Die Datei enthält keine Datenzeilen.")
	}
	return sheet
}

// record is a data row of the table: its line and its cells by column.
type record struct {
	line  int
	cells map[string]string
}

func (r record) get(col string) string { return r.cells[col] }

func (r record) has(col string) bool {
	_, ok := r.cells[col]
	return ok
}

// table is a file split into header and data rows.
type table struct {
	headerLine int
	dataRows   int
	present    map[string]bool
	rows       []record
}

// readTable checks encoding and header and splits the rows into cells. It
// returns nil when the file cannot be read row by row at all.
func readTable(r io.Reader, cols []ImportColumn, errs *errorList) *table {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		errs.add(1, "", "Die Datei konnte nicht gelesen werden.")
		return nil
	}
	if len(data) > MaxImportBytes {
		errs.add(1, "", "Die Datei ist zu groß (höchstens %d MiB).", MaxImportBytes>>20)
		return nil
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		errs.add(1, "", "Die Datei ist UTF-16-kodiert. Bitte speichern Sie sie als „CSV UTF-8 (durch Trennzeichen getrennt)“.")
		return nil
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if line := invalidUTF8Line(data); line > 0 {
		errs.add(line, "", "Zeile %d ist nicht UTF-8-kodiert (vermutlich Windows-1252/ANSI). Bitte speichern Sie die Datei als „CSV UTF-8 (durch Trennzeichen getrennt)“.", line)
		return nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ';'
	cr.LazyQuotes = true // 27" monitors: a bare quote inside a cell is text
	cr.FieldsPerRecord = -1
	var header []string
	t := &table{present: map[string]bool{}}
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			errs.add(line, "", "Die Zeile ist kein gültiges CSV. Bitte prüfen Sie Anführungszeichen und Semikolons.")
			return nil
		}
		if blank(fields) {
			continue
		}
		if header == nil {
			if strings.EqualFold(strings.TrimSpace(fields[0]), "sep=") && blank(fields[1:]) {
				continue // Excel's separator hint "sep=;"
			}
			t.headerLine = line
			header = readHeader(fields, line, cols, errs)
			if header == nil {
				return nil
			}
			for _, name := range header {
				if name != "" {
					t.present[name] = true
				}
			}
			continue
		}
		t.dataRows++
		rec := record{line: line, cells: make(map[string]string, len(header))}
		if len(fields) < len(header) || !blank(fields[len(header):]) {
			errs.add(line, "", "Die Zeile hat %d Felder, die Kopfzeile %d. Bitte prüfen Sie Semikolons und Anführungszeichen in dieser Zeile.", len(fields), len(header))
			continue
		}
		for i, name := range header {
			if name != "" {
				rec.cells[name] = strings.TrimSpace(fields[i])
			}
		}
		t.rows = append(t.rows, rec)
	}
	if header == nil {
		errs.add(1, "", "Die Datei ist leer. Erwartet wird eine Kopfzeile mit den Spaltennamen und mindestens eine Datenzeile.")
		return nil
	}
	return t
}

// readHeader maps each field of the header row to its column name ("" for
// an empty trailing field). Unknown, repeated and missing required columns
// are errors; then it returns nil.
func readHeader(fields []string, line int, cols []ImportColumn, errs *errorList) []string {
	byKey := map[string]string{}
	for _, c := range cols {
		byKey[headerKey(c.Name)] = c.Name
	}
	if len(fields) == 1 && strings.ContainsAny(fields[0], ",\t") {
		errs.add(line, "", "Die Spalten sind nicht durch Semikolons getrennt. Bitte speichern Sie die Datei als „CSV UTF-8 (durch Trennzeichen getrennt)“ mit Semikolon.")
		return nil
	}
	out := make([]string, len(fields))
	seen := map[string]bool{}
	bad := false
	for i, f := range fields {
		key := headerKey(f)
		if key == "" {
			continue
		}
		name, ok := byKey[key]
		switch {
		case !ok:
			errs.add(line, strings.TrimSpace(f), "Unbekannte Spalte „%s“. Erlaubt sind: %s.", strings.TrimSpace(f), columnNames(cols))
			bad = true
		case seen[name]:
			errs.add(line, name, "Die Spalte „%s“ steht zweimal in der Kopfzeile.", name)
			bad = true
		}
		seen[name] = true
		out[i] = name
	}
	for _, c := range cols {
		if c.Required && !seen[c.Name] {
			errs.add(line, c.Name, "Die Pflichtspalte „%s“ fehlt in der Kopfzeile.", c.Name)
			bad = true
		}
	}
	if bad {
		return nil
	}
	return out
}

func headerKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func columnNames(cols []ImportColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// invalidUTF8Line returns the 1-based line of the first byte that is not
// UTF-8, or 0 when all of data is.
func invalidUTF8Line(data []byte) int {
	if utf8.Valid(data) {
		return 0
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return 1 + bytes.Count(data[:i], []byte("\n"))
		}
		i += size
	}
	return 0
}

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

// productColumnOf names the CSV column of a ProductInput field.
var productColumnOf = map[string]string{
	"sku": colSKU, "name": colName, "description": colDescription, "category_id": colCategory, "kind": colKind, "unit": colUnit,
	"list_price_cents": colListPrice, "vat_percent": colVAT, "rental_term_months": colTermMonths,
	"rental_monthly_cents": colMonthly, "rental_buyout_cents": colBuyout,
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
	if !c.ok {
		return p, false
	}
	in := ProductInput{SKU: p.SKU, Name: p.Name, Description: p.Description, Kind: p.Kind, Unit: p.Unit,
		ListPriceCents: p.ListPriceCents, VATPercent: p.VATPercent, Active: p.Active, QuoteOnly: p.QuoteOnly,
		RentalTermMonths: p.RentalTermMonths, RentalMonthlyCents: p.RentalMonthlyCents, RentalBuyoutCents: p.RentalBuyoutCents}
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
