package export

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %q\nwant: %q", name, got, want)
	}
}

// sample is an invoice at 19 % and 7 %, a credit note of part of it and
// an invoice at 0 % whose texts would run as spreadsheet formulas.
func sample() []*invoice.Invoice {
	d := calendar.MustParse
	id := int64(1)
	return []*invoice.Invoice{
		{ID: 1, Kind: invoice.KindInvoice, Number: "RE-2026-000001", State: invoice.StatePartiallyPaid, IssueDate: d("2026-03-02"), DueDate: d("2026-04-01"),
			MemberName: "Landkreis Börde", LeitwegID: "15083-12345-67", BuyerReference: "BZ 4711", DebtorAccount: "10001",
			NetCents: 110000, VATCents: 19700, GrossCents: 129700, PaidCents: 50000,
			Lines: []*invoice.Line{{VATPercent: 19, NetCents: 100000}, {VATPercent: 7, NetCents: 10000}}},
		{ID: 2, Kind: invoice.KindCreditNote, Number: "GS-2026-000001", State: invoice.StateIssued, IssueDate: d("2026-03-10"), DueDate: d("2026-03-10"),
			CreditNoteOf: &id, CreditedNumber: "RE-2026-000001", MemberName: "Landkreis Börde", DebtorAccount: "10001",
			NetCents: 10000, VATCents: 700, GrossCents: 10700, Lines: []*invoice.Line{{VATPercent: 7, NetCents: 10000}}},
		{ID: 3, Kind: invoice.KindInvoice, Number: "RE-2026-000002", State: invoice.StateIssued, IssueDate: d("2026-03-31"), DueDate: d("2026-04-30"),
			MemberName: "=HYPERLINK(\"x\")", LeitwegID: "+49", BuyerReference: "-1\t@SUM", NetCents: 5000, GrossCents: 5000,
			Lines: []*invoice.Line{{VATPercent: 0, NetCents: 5000, VATExemptReason: invoice.NotTaxable2b}}},
	}
}

func iter[T any](xs []*T) func() (*T, error) {
	i := 0
	return func() (*T, error) {
		if i == len(xs) {
			return nil, nil
		}
		i++
		return xs[i-1], nil
	}
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, iter(sample())); err != nil {
		t.Fatal(err)
	}
	golden(t, "invoices.csv", buf.Bytes())
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want header + 3", len(rows))
	}
	first := rows[1]
	for i, want := range map[int]string{0: "RE-2026-000001", 2: "02.03.2026", 7: "1000,00", 8: "190,00", 9: "1190,00", 10: "100,00", 11: "7,00", 16: "1297,00", 17: "Teilweise bezahlt", 18: "500,00"} {
		if first[i] != want {
			t.Errorf("column %s = %q, want %q", csvHeader[i], first[i], want)
		}
	}
	// Every text cell that a spreadsheet would run as a formula starts
	// with ' (without it, =HYPERLINK(...) would be a live formula).
	evil := rows[3]
	for i, want := range map[int]string{4: "'=HYPERLINK(\"x\")", 5: "'+49", 6: "'-1\t@SUM"} {
		if evil[i] != want {
			t.Errorf("column %s = %q, want %q", csvHeader[i], evil[i], want)
		}
	}
}

func TestFormulaSafe(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@A1": "'@A1", "\tx": "'\tx", "\rx": "'\rx",
		"Stadt Weißenfels": "Stadt Weißenfels", "": "", "1-2": "1-2"} {
		if got := formulaSafe(in); got != want {
			t.Errorf("formulaSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func datevSample(t *testing.T) []byte {
	t.Helper()
	s := invoice.DefaultDATEV(1)
	s.ConsultantNumber, s.ClientNumber = 29098, 55003
	h := DATEVHeader{Settings: s, From: calendar.MustParse("2026-03-01"), To: calendar.MustParse("2026-03-31"),
		Created: time.Date(2026, 4, 1, 8, 30, 0, 0, time.UTC)}
	pays := []*invoice.ReceivedPayment{{Payment: invoice.Payment{AmountCents: 50000, PaidOn: calendar.MustParse("2026-03-20")},
		InvoiceNumber: "RE-2026-000001", MemberName: "Landkreis Börde", DebtorAccount: "10001"}}
	var buf bytes.Buffer
	if err := WriteDATEV(&buf, h, iter(sample()), iter(pays)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDATEVGolden(t *testing.T) {
	golden(t, "buchungsstapel.csv", datevSample(t))
}

// TestDATEVLayout: the header has the 31 fields of format 700 in order,
// and every booking line has exactly the columns the headings name.
func TestDATEVLayout(t *testing.T) {
	raw, err := charmap.Windows1252.NewDecoder().Bytes(datevSample(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(raw), "\r\n") || strings.Contains(strings.ReplaceAll(string(raw), "\r\n", ""), "\n") {
		t.Fatal("lines must end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n")
	header := strings.Split(lines[0], ";")
	if len(header) != 31 {
		t.Fatalf("header has %d fields, want 31: %q", len(header), lines[0])
	}
	for i, want := range map[int]string{0: `"EXTF"`, 1: "700", 2: "21", 3: `"Buchungsstapel"`, 4: "13", 5: "20260401083000000",
		10: "29098", 11: "55003", 12: "20260101", 13: "4", 14: "20260301", 15: "20260331", 21: `"EUR"`} {
		if header[i] != want {
			t.Errorf("header field %d = %q, want %q", i+1, header[i], want)
		}
	}
	headings := strings.Split(lines[1], ";")
	if len(headings) != 125 || headings[0] != "Umsatz (ohne Soll/Haben-Kz)" || headings[116] != "Fälligkeit" || headings[124] != "Abw. Skontokonto" {
		t.Fatalf("%d column headings: %q", len(headings), lines[1])
	}
	// 2 bookings (19 %, 7 %) + 1 reversal + 1 at 0 % + 1 payment.
	bookings := lines[2:]
	if len(bookings) != 5 {
		t.Fatalf("%d bookings, want 5:\n%s", len(bookings), strings.Join(bookings, "\n"))
	}
	want := [][]string{
		{"1190,00", `"S"`, `"EUR"`, "10001", "8400", "0203", `"RE-2026-000001"`},
		{"107,00", `"S"`, `"EUR"`, "10001", "8300", "0203", `"RE-2026-000001"`},
		{"107,00", `"H"`, `"EUR"`, "10001", "8300", "1003", `"GS-2026-000001"`},
		{"50,00", `"S"`, `"EUR"`, "10000", "8100", "3103", `"RE-2026-000002"`},
		{"500,00", `"S"`, `"EUR"`, "1200", "10001", "2003", `"RE-2026-000001"`},
	}
	for i, b := range bookings {
		f := strings.Split(b, ";")
		if len(f) != len(headings) {
			t.Fatalf("booking %d has %d columns, the headings %d", i+1, len(f), len(headings))
		}
		got := []string{f[colUmsatz], f[colSH], f[colWKZ], f[colKonto], f[colGegenkonto], f[colBelegdatum], f[colBelegfeld1]}
		if strings.Join(got, ";") != strings.Join(want[i], ";") {
			t.Errorf("booking %d = %q, want %q", i+1, got, want[i])
		}
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name       string
		req        Request
		field, msg string
	}{
		{"ok", Request{"csv", "2026-01-01", "2026-12-31"}, "", ""},
		{"leap year", Request{"datev", "2028-01-01", "2028-12-31"}, "", ""},
		{"unknown format", Request{"xls", "2026-01-01", "2026-01-31"}, "format", "Unbekanntes Format"},
		{"no format", Request{"", "2026-01-01", "2026-01-31"}, "format", "Bitte ein Format"},
		{"to before from", Request{"csv", "2026-02-01", "2026-01-31"}, "to", "vor dem Anfang"},
		{"too long", Request{"csv", "2026-01-01", "2027-01-02"}, "to", "höchstens 366 Tage"},
		{"bad from", Request{"csv", "2026-13-01", "2026-12-31"}, "from", "kein Datum"},
		{"no to", Request{"csv", "2026-01-01", ""}, "to", "Bitte das Ende"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, err := Check(c.req, 0)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			fe := apperr.FieldsOf(err)
			if len(fe) != 1 || fe[0].Field != c.field || !strings.Contains(fe[0].Message, c.msg) {
				t.Fatalf("fields = %+v, want %s: %s", fe, c.field, c.msg)
			}
		})
	}
}

func TestFiscalYearStart(t *testing.T) {
	for _, c := range []struct {
		day   string
		month int
		want  string
	}{{"2026-03-01", 1, "2026-01-01"}, {"2026-03-01", 7, "2025-07-01"}, {"2026-07-01", 7, "2026-07-01"}} {
		if got := FiscalYearStart(calendar.MustParse(c.day), c.month).String(); got != c.want {
			t.Errorf("FiscalYearStart(%s, %d) = %s, want %s", c.day, c.month, got, c.want)
		}
	}
}
