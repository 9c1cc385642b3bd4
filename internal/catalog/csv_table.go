package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"coopshop/internal/text"
)

// Reading a CSV file into a table of records: encoding, separator,
// header matching, blank lines. The cells are checked in csv_cell.go.

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
		bad := false
		for i, name := range header {
			if name == "" {
				continue
			}
			rec.cells[name] = strings.TrimSpace(fields[i])
			if msg := text.Check(rec.cells[name], cellRule(name)); msg != "" {
				errs.add(line, name, "%s", msg)
				bad = true
			}
		}
		if !bad {
			t.rows = append(t.rows, rec)
		}
	}
	if header == nil {
		errs.add(1, "", "Die Datei ist leer. Erwartet wird eine Kopfzeile mit den Spaltennamen und mindestens eine Datenzeile.")
		return nil
	}
	return t
}

// cellRule is the text rule of a column's cells (internal/text): no
// control characters, line breaks only in the description; the columns'
// own checks bound their lengths more tightly.
func cellRule(col string) text.Rule {
	if col == colDescription {
		return text.Long
	}
	return text.Rule{Max: 1000}
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
