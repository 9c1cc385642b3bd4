package cart

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/text"
)

// Quick order (issue 14): a purchaser pastes or uploads "SKU;quantity"
// lines and gets every line into the cart, or nothing and one error per
// bad line, like the catalog's CSV import.

// MaxQuickBytes bounds a quick-order text; MaxQuickLines its data lines.
const (
	MaxQuickBytes = 1 << 20
	MaxQuickLines = 1000
	// maxQuickErrors is how many line errors an answer lists.
	maxQuickErrors = 200
)

// QuickLine is one data line of a quick order: the physical line (1-based,
// the header counts), the SKU as typed and the quantity.
type QuickLine struct {
	Line     int
	SKU      string
	Quantity int64
}

// headerWords are first cells that mark a header line.
var headerWords = map[string]bool{
	"artikelnummer": true, "artikel-nr.": true, "artikel-nr": true, "art.-nr.": true, "art.-nr": true, "artnr": true,
	"artikel": true, "sku": true, "bestellnummer": true, "produkt": true,
}

// ParseQuick reads quick-order text: one "SKU;quantity" per line,
// separated by semicolon, comma or tab (whichever the text uses), UTF-8
// with or without byte order mark, LF or CRLF, blank lines and an Excel
// "sep=;" line ignored, an optional header line (Artikelnummer;Menge). It
// answers the lines, or the errors of every bad line.
func ParseQuick(r io.Reader) ([]QuickLine, []apperr.FieldError) {
	data, err := io.ReadAll(io.LimitReader(r, MaxQuickBytes+1))
	if err != nil {
		return nil, []apperr.FieldError{{Line: 1, Field: "file", Message: "Der Text konnte nicht gelesen werden."}}
	}
	if len(data) > MaxQuickBytes {
		return nil, []apperr.FieldError{{Line: 1, Field: "file", Message: fmt.Sprintf("Der Text ist zu lang (höchstens %d KiB).", MaxQuickBytes>>10)}}
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, []apperr.FieldError{{Line: 1, Field: "file", Message: "Die Datei ist UTF-16-kodiert. Bitte speichern Sie sie als „CSV UTF-8“."}}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, []apperr.FieldError{{Line: line, Field: "file", Message: "Die Zeile ist nicht UTF-8-kodiert (vermutlich Windows-1252/ANSI). Bitte speichern Sie die Datei als „CSV UTF-8“."}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	var (
		out     []QuickLine
		errs    []apperr.FieldError
		started bool
	)
	add := func(fe apperr.FieldError) {
		if len(errs) < maxQuickErrors {
			errs = append(errs, fe)
		}
	}
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
			add(apperr.FieldError{Line: line, Field: "line", Message: "Die Zeile ist kein gültiges CSV. Bitte prüfen Sie die Anführungszeichen."})
			break
		}
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if blankFields(fields) {
			continue
		}
		first := !started
		started = true
		if first && strings.HasPrefix(strings.ToLower(fields[0]), "sep=") {
			started = false
			continue
		}
		if first && headerWords[strings.ToLower(fields[0])] {
			continue
		}
		if len(out)+len(errs) >= MaxQuickLines {
			add(apperr.FieldError{Line: line, Field: "line", Message: fmt.Sprintf("Eine Schnellbestellung hat höchstens %d Zeilen.", MaxQuickLines)})
			break
		}
		if len(fields) > 2 && !blankFields(fields[2:]) {
			add(apperr.FieldError{Line: line, Field: "line", Message: "Die Zeile hat mehr als zwei Spalten. Erwartet wird „Artikelnummer;Menge“."})
			continue
		}
		sku, raw := fields[0], ""
		if len(fields) > 1 {
			raw = fields[1]
		}
		bad := false
		if sku == "" {
			add(apperr.FieldError{Line: line, Field: "sku", Message: "Die Artikelnummer fehlt."})
			bad = true
		} else if msg := text.Check(sku, text.Code); msg != "" {
			add(apperr.FieldError{Line: line, Field: "sku", Message: msg})
			bad = true
		}
		q, qerr := strconv.ParseInt(raw, 10, 64)
		switch {
		case raw == "":
			add(apperr.FieldError{Line: line, Field: "quantity", Message: "Die Menge fehlt. Erwartet wird „Artikelnummer;Menge“."})
			bad = true
		case qerr != nil || q < 1 || q > MaxQuantity:
			add(apperr.FieldError{Line: line, Field: "quantity", Message: fmt.Sprintf("„%s“ ist keine gültige Menge: bitte eine ganze Zahl zwischen 1 und %d.", clip(raw), MaxQuantity)})
			bad = true
		}
		if !bad {
			out = append(out, QuickLine{Line: line, SKU: sku, Quantity: q})
		}
	}
	if len(errs) == 0 && len(out) == 0 {
		errs = append(errs, apperr.FieldError{Line: 1, Field: "file", Message: "Es wurde keine Zeile „Artikelnummer;Menge“ gefunden."})
	}
	return out, errs
}

// Import adds a quick order to the actor's cart: every line, or nothing
// and a 422 listing each bad line (line, field, German message). SKUs
// match ignoring case; a SKU twice adds up.
func (s *Service) Import(ctx context.Context, actor account.Principal, r io.Reader) (int, error) {
	if err := s.can(ctx, actor); err != nil {
		return 0, err
	}
	lines, errs := ParseQuick(r)
	skus := make([]string, 0, len(lines))
	for _, l := range lines {
		skus = append(skus, strings.ToLower(l.SKU))
	}
	bySKU := map[string]*catalog.Product{}
	if len(skus) > 0 {
		var ps []*catalog.Product
		if err := s.DB.NewSelect().Model(&ps).Where("lower(p.sku) IN (?)", bunList(skus)).Scan(ctx); err != nil {
			return 0, fmt.Errorf("quick order products: %w", err)
		}
		for _, p := range ps {
			bySKU[strings.ToLower(p.SKU)] = p
		}
	}
	wants := make([]Want, 0, len(lines))
	for _, l := range lines {
		p := bySKU[strings.ToLower(l.SKU)]
		switch {
		case p == nil:
			errs = append(errs, apperr.FieldError{Line: l.Line, Field: "sku", Message: fmt.Sprintf("Die Artikelnummer „%s“ gibt es im Katalog nicht.", l.SKU)})
		case !p.Active:
			errs = append(errs, apperr.FieldError{Line: l.Line, Field: "sku", Message: fmt.Sprintf("„%s“ (%s) ist nicht mehr im Katalog.", p.Name, p.SKU)})
		default:
			wants = append(wants, Want{ProductID: p.ID, Quantity: l.Quantity, Line: l.Line})
		}
	}
	if len(errs) > 0 {
		return 0, quickProblem(errs)
	}
	if _, err := s.AddAll(ctx, actor, wants); err != nil {
		if fe := apperr.FieldsOf(err); len(fe) > 0 && apperr.CodeOf(err) == apperr.Invalid {
			return 0, quickProblem(fe)
		}
		return 0, err
	}
	return len(wants), nil
}

// quickProblem is the 422 of a refused quick order, errors sorted by line.
func quickProblem(errs []apperr.FieldError) error {
	sortByLine(errs)
	msg := fmt.Sprintf("Die Schnellbestellung enthält %d Fehler; es wurde nichts in den Warenkorb gelegt.", len(errs))
	if len(errs) == 1 {
		msg = "Die Schnellbestellung enthält einen Fehler; es wurde nichts in den Warenkorb gelegt."
	}
	return apperr.Fields(msg, errs...)
}

// separator is the one the text uses: semicolon (German Excel) when any
// line has one, else tab, else comma.
func separator(data []byte) rune {
	switch {
	case bytes.ContainsRune(data, ';'):
		return ';'
	case bytes.ContainsRune(data, '\t'):
		return '\t'
	}
	return ','
}

func blankFields(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// clip shortens a typed value for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 20 {
		return string([]rune(s)[:20]) + "…"
	}
	return s
}
