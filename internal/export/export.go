// Package export writes finance's exports of a period (DESIGN §5, issue
// 10): CSV of invoices and credit notes, the DATEV Buchungsstapel and (in
// the xrechnung files) a zip of XRechnung XML. Every writer reads the
// invoices through an iterator a page at a time and writes as it goes, so
// that 100 000 invoices export in constant memory, streamed to an HTTP
// answer or to the file of `coopshop export`.
package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
)

// Format is an export's file format.
type Format string

// The formats.
const (
	FormatCSV       Format = "csv"
	FormatDATEV     Format = "datev"
	FormatXRechnung Format = "xrechnung"
)

// Formats lists the formats in the order the export page offers them.
var Formats = []Format{FormatCSV, FormatDATEV, FormatXRechnung}

// Label is the German name of the format.
func (f Format) Label() string {
	switch f {
	case FormatCSV:
		return "CSV (Tabellenkalkulation)"
	case FormatDATEV:
		return "DATEV-Buchungsstapel"
	case FormatXRechnung:
		return "XRechnung (ZIP)"
	}
	return string(f)
}

// DefaultMaxDays is the longest period one export covers unless
// configured otherwise: a year, leap day included.
const DefaultMaxDays = 366

// Request is an export as the API, the page and the command line ask for
// it, unparsed, so that every one of them reports the same German
// messages for the same bad input.
type Request struct {
	Format   string
	From, To string // YYYY-MM-DD, both inclusive
}

// Service runs exports: it checks the request, asks the enforcer (through
// the invoice service), audits who exported what when and writes the
// file.
type Service struct {
	DB       *bun.DB
	Invoices *invoice.Service
	Authz    *authz.Authorizer
	// MaxDays is the longest period of one export (DefaultMaxDays if 0).
	MaxDays int
}

// Job is a checked, authorized and audited export, ready to write.
type Job struct {
	s        *Service
	actor    account.Principal
	Format   Format
	From, To calendar.Date
	datev    *invoice.DATEV
	// Progress, if set, is told the count of invoices written so far
	// (after each one).
	Progress func(n int)
}

// FileName is the file name the download and the CLI suggest.
func (j *Job) FileName() string {
	base := fmt.Sprintf("rechnungen_%s_%s", j.From.String(), j.To.String())
	switch j.Format {
	case FormatDATEV:
		return fmt.Sprintf("EXTF_Buchungsstapel_%s_%s.csv", j.From.String(), j.To.String())
	case FormatXRechnung:
		return "xrechnung_" + j.From.String() + "_" + j.To.String() + ".zip"
	}
	return base + ".csv"
}

// ContentType is the media type of the file.
func (j *Job) ContentType() string {
	switch j.Format {
	case FormatDATEV:
		return "text/csv; charset=windows-1252"
	case FormatXRechnung:
		return "application/zip"
	}
	return "text/csv; charset=utf-8"
}

// Check parses a request: 422 naming each bad field (format, from, to)
// with a German message; a period longer than maxDays, or to before
// from, is the to field's.
func Check(r Request, maxDays int) (Format, calendar.Date, calendar.Date, error) {
	if maxDays <= 0 {
		maxDays = DefaultMaxDays
	}
	var fe []apperr.FieldError
	f := Format(strings.TrimSpace(r.Format))
	switch f {
	case FormatCSV, FormatDATEV, FormatXRechnung:
	case "":
		fe = append(fe, apperr.FieldError{Field: "format", Message: "Bitte ein Format angeben (csv, datev oder xrechnung)."})
	default:
		fe = append(fe, apperr.FieldError{Field: "format", Message: fmt.Sprintf("Unbekanntes Format „%s“: erlaubt sind csv, datev und xrechnung.", r.Format)})
	}
	date := func(field, v, name string) calendar.Date {
		v = strings.TrimSpace(v)
		if v == "" {
			fe = append(fe, apperr.FieldError{Field: field, Message: fmt.Sprintf("Bitte %s angeben (JJJJ-MM-TT).", name)})
			return calendar.Date{}
		}
		d, err := calendar.Parse(v)
		if err != nil {
			fe = append(fe, apperr.FieldError{Field: field, Message: fmt.Sprintf("%s „%s“ ist kein Datum der Form JJJJ-MM-TT.", strings.ToUpper(name[:1])+name[1:], v)})
		}
		return d
	}
	from := date("from", r.From, "den Anfang des Zeitraums")
	to := date("to", r.To, "das Ende des Zeitraums")
	if !from.IsZero() && !to.IsZero() {
		days := int(to.Time().Sub(from.Time()).Hours()/24) + 1
		switch {
		case to.Before(from):
			fe = append(fe, apperr.FieldError{Field: "to", Message: "Das Ende des Zeitraums (to) liegt vor dem Anfang (from)."})
		case days > maxDays:
			fe = append(fe, apperr.FieldError{Field: "to", Message: fmt.Sprintf("Der Zeitraum umfasst %d Tage; höchstens %d Tage sind erlaubt.", days, maxDays)})
		}
	}
	if len(fe) > 0 {
		return "", calendar.Date{}, calendar.Date{}, apperr.Fields("Der Export ist so nicht möglich.", fe...)
	}
	return f, from, to, nil
}

// Prepare checks the request, asks the enforcer whether the actor may
// export invoices, loads the DATEV settings (a DATEV period must lie in
// one fiscal year) and writes the audit entry export.invoices: who
// exported which format and period, when. The file is written by Run.
func (s *Service) Prepare(ctx context.Context, actor account.Principal, r Request) (*Job, error) {
	f, from, to, err := Check(r, s.MaxDays)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "export", authz.On("invoice")); err != nil {
		return nil, err
	}
	j := &Job{s: s, actor: actor, Format: f, From: from, To: to}
	if f == FormatDATEV {
		if j.datev, err = s.Invoices.DATEVSettings(ctx, actor); err != nil {
			return nil, err
		}
		if start := FiscalYearStart(from, j.datev.FiscalYearStart); !to.Before(start.AddMonths(12)) {
			return nil, apperr.Fields("Der Export ist so nicht möglich.", apperr.FieldError{Field: "to",
				Message: fmt.Sprintf("Ein DATEV-Buchungsstapel umfasst ein Wirtschaftsjahr: der Zeitraum muss vor dem %s enden.", start.AddMonths(12).German())})
		}
	}
	err = audit.Write(ctx, s.DB, audit.Record{Actor: actor.Actor(), Action: "export.invoices", Entity: "export", OrgID: actor.User.OrgID,
		Detail: map[string]string{"format": string(f), "from": from.String(), "to": to.String()}})
	if err != nil {
		return nil, fmt.Errorf("audit export: %w", err)
	}
	return j, nil
}

// FiscalYearStart is the first day of the fiscal year that day lies in,
// for a fiscal year that starts on the first of month startMonth.
func FiscalYearStart(day calendar.Date, startMonth int) calendar.Date {
	if startMonth < 1 || startMonth > 12 {
		startMonth = 1
	}
	t := day.Time()
	y := t.Year()
	if int(t.Month()) < startMonth {
		y--
	}
	return calendar.New(y, timeMonth(startMonth), 1)
}

// Run writes the file to w, reading the invoices a page at a time.
func (j *Job) Run(ctx context.Context, w io.Writer) error {
	next, err := j.s.Invoices.Export(ctx, j.actor, j.From, j.To)
	if err != nil {
		return err
	}
	next = j.counted(next)
	switch j.Format {
	case FormatDATEV:
		pays, err := j.s.Invoices.ExportPayments(ctx, j.actor, j.From, j.To)
		if err != nil {
			return err
		}
		return WriteDATEV(w, DATEVHeader{Settings: j.datev, From: j.From, To: j.To, Created: j.s.Invoices.Clock.Now()}, next, pays)
	case FormatCSV:
		return WriteCSV(w, next)
	case FormatXRechnung:
		return XRechnungZip(ctx, w, next)
	}
	return fmt.Errorf("export: unknown format %q", j.Format)
}

// counted tells Progress after each invoice.
func (j *Job) counted(next func() (*invoice.Invoice, error)) func() (*invoice.Invoice, error) {
	if j.Progress == nil {
		return next
	}
	n := 0
	return func() (*invoice.Invoice, error) {
		inv, err := next()
		if inv != nil {
			n++
			j.Progress(n)
		}
		return inv, err
	}
}

// Count is how many invoices and credit notes the job will write (for the
// progress line's time left).
func (j *Job) Count(ctx context.Context) (int, error) {
	n, err := j.s.DB.NewSelect().Table("invoices").Where("issue_date >= ? AND issue_date <= ?", j.From.String(), j.To.String()).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count invoices: %w", err)
	}
	return int(n), nil
}

// Explain is a rejected request as one German line per field, for the
// command line (the API and the page show the same messages).
func Explain(err error) string {
	fe := apperr.FieldsOf(err)
	if len(fe) == 0 {
		return apperr.MessageOf(err)
	}
	parts := []string{apperr.MessageOf(err)}
	for _, f := range fe {
		parts = append(parts, "--"+f.Field+": "+f.Message)
	}
	return strings.Join(parts, "\n")
}

// Recent lists the latest exports (who exported which format and period,
// when) for the export page, to whoever may export.
func (s *Service) Recent(ctx context.Context, actor account.Principal, limit int) ([]audit.Entry, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "export", authz.On("invoice")); err != nil {
		return nil, err
	}
	return audit.List(ctx, s.DB, audit.Filter{Entity: "export", Limit: limit})
}
