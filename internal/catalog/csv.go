package catalog

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"coopshop/internal/apperr"
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
	colVATExempt      = "Steuerbefreiung"
	colActive         = "Aktiv"
	colQuoteOnly      = "Nur auf Anfrage"
	colTermMonths     = "Laufzeit Monate"
	colMonthly        = "Monatsrate"
	colBuyout         = "Ablösebetrag"
	colSetup          = "Einrichtung je Einheit"
	colNotice         = "Kündigungsfrist Monate"
	colReminder       = "Erinnerung vor Mietende Monate"
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
	{colVATExempt, false, "nur bei 0 %, dort Pflicht: „§ 4“ (steuerfrei nach § 4 UStG) oder „§ 2b“ (nicht steuerbar nach § 2b UStG)", ""},
	{colActive, false, "ja/nein, 1/0 oder x/leer; ohne Spalte: ja", "ja"},
	{colQuoteOnly, false, "ja/nein, 1/0 oder x/leer; ohne Spalte: nein", "nein"},
	{colTermMonths, false, "nur bei Mietmodell, dort Pflicht: ganze Monate (1–120)", ""},
	{colMonthly, false, "nur bei Mietmodell, dort Pflicht: Betrag in Euro, größer als 0", ""},
	{colBuyout, false, "nur bei Mietmodell, freiwillig: Betrag in Euro", ""},
	{colSetup, false, "ja/nein: jede bestellte Einheit wird einzeln eingerichtet (VPN-Zugang, Filr-Ordner, Cloud-Arbeitsplatz); ohne Spalte: nein", "nein"},
	{colNotice, false, "Kündigungsfrist eines Arbeitsplatz-Abos zum Monatsende, ganze Monate 0–24; leer = 3", ""},
	{colReminder, false, "Erinnerung vor dem Ende eines Mietmodells, ganze Monate 0–24; leer = 3", ""},
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
	VATExemptReason    string // at 0 %: VATExempt4 or VATNotTaxable2b
	Active             bool
	QuoteOnly          bool
	RentalTermMonths   *int64 // set exactly for rental products
	RentalMonthlyCents *int64
	RentalBuyoutCents  *int64
	SetupRequired      bool   // each unit is set up (provisioning)
	NoticeMonths       *int64 // nil: the default of 3 months
	EndReminderMonths  *int64 // nil: the default of 3 months
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
