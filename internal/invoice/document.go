package invoice

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/document"
	"coopshop/internal/job"
	"coopshop/internal/money"
	"coopshop/internal/notify"
)

// DocumentEntity is the documents table's name for invoices.
const DocumentEntity = "invoice"

// docKind is the document kind of an invoice kind.
func docKind(k Kind) document.Kind {
	if k == KindCreditNote {
		return document.KindCreditNote
	}
	return document.KindInvoice
}

// Document is the printed invoice or credit note with every item § 14
// UStG asks for: the provider's legal name, address, USt-IdNr. and tax
// number, register entry and bank account; the member's name, address
// and Leitweg-ID; issue date, number, delivery date or service period,
// the lines with quantity, unit and description (and a 0 % line's
// reason), net per VAT rate, the rate and the tax, the gross, payment
// terms with the due date, the Bestellzeichen and the order number. It
// is built from the invoice's snapshots only, so it is the same on every
// rendering.
func Document(inv *Invoice) document.Document {
	p := inv.Provider
	d := document.Document{Kind: docKind(inv.Kind), Number: inv.Number, Date: inv.IssueDate.Time(),
		Issuer: document.Party{Name: p.LegalName, Street: p.Street, Zip: p.Zip, City: p.City, VATID: p.VATID,
			Email: p.ContactEmail, Phone: p.ContactPhone},
		Recipient: document.Party{Name: inv.MemberName, Street: inv.MemberStreet, Zip: inv.MemberZip, City: inv.MemberCity, LeitwegID: inv.LeitwegID}}
	if inv.Kind == KindCreditNote {
		d.Reference = fmt.Sprintf("Rechnung %s vom %s", inv.CreditedNumber, inv.CreditedDate.German())
	}
	if !inv.ServiceDate.IsZero() {
		d.Meta = append(d.Meta, [2]string{"Lieferdatum", inv.ServiceDate.German()})
	} else if !inv.ServiceFrom.IsZero() {
		d.Meta = append(d.Meta, [2]string{"Leistungszeitraum", inv.ServiceFrom.German() + " – " + inv.ServiceTo.German()})
	}
	if inv.OrderNumber != "" {
		d.Meta = append(d.Meta, [2]string{"Bestellung", inv.OrderNumber})
		if inv.Kind == KindInvoice {
			d.Reference = "Ihre Bestellanforderung " + inv.OrderNumber
		}
	}
	if inv.BuyerReference != "" {
		d.Meta = append(d.Meta, [2]string{"Ihr Bestellzeichen", inv.BuyerReference})
	}
	if inv.CostCentre != "" {
		d.Meta = append(d.Meta, [2]string{"Ihre Kostenstelle", inv.CostCentre})
	}
	if inv.DebtorAccount != "" {
		d.Meta = append(d.Meta, [2]string{"Kundennummer", inv.DebtorAccount})
	}
	if p.TaxNumber != "" {
		d.Meta = append(d.Meta, [2]string{"Steuernummer", p.TaxNumber})
	}
	if inv.Kind == KindInvoice {
		d.Meta = append(d.Meta, [2]string{"Fällig am", inv.DueDate.German()})
	}
	for _, l := range inv.Lines {
		dl := document.Line{Position: l.LineNo, SKU: l.SKU, Text: l.Description, Quantity: l.Quantity, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, NetCents: l.NetCents}
		var detail []string
		if l.CreditedLineNo != nil {
			detail = append(detail, fmt.Sprintf("zu Position %d der Rechnung %s", *l.CreditedLineNo, inv.CreditedNumber))
		}
		if !l.ServiceFrom.IsZero() {
			detail = append(detail, "Leistungszeitraum "+l.ServiceFrom.German()+" – "+l.ServiceTo.German())
			if a, b, ok := proRata(l); ok {
				dl.ProRata = [2]int64{a, b}
				detail = append(detail, fmt.Sprintf("anteilig %d von %d Tagen", a, b))
			}
		}
		if l.VATPercent == 0 {
			if t := VATExemptText(l.VATExemptReason); t != "" {
				detail = append(detail, t)
			}
		}
		dl.Detail = strings.Join(detail, " · ")
		d.Lines = append(d.Lines, dl)
	}
	if inv.Kind == KindInvoice {
		d.Intro = "Sehr geehrte Damen und Herren,\nfür die gelieferten Positionen berechnen wir Ihnen:"
		if inv.OrderID == nil && !inv.ServiceFrom.IsZero() {
			// A billing run's invoice: rentals and subscriptions of a month.
			d.Intro = fmt.Sprintf("Sehr geehrte Damen und Herren,\nfür Ihre Mietverträge und Abonnements im Leistungszeitraum %s – %s berechnen wir Ihnen:",
				inv.ServiceFrom.German(), inv.ServiceTo.German())
		}
		d.Terms = []string{
			fmt.Sprintf("Zahlungsbedingungen: Zahlbar innerhalb von %d Tagen ohne Abzug, also bis zum %s (%s). "+
				"Bitte geben Sie die Rechnungsnummer %s als Verwendungszweck an.", inv.PaymentTermsDays, inv.DueDate.German(), money.Format(inv.GrossCents), inv.Number),
			fmt.Sprintf("Bankverbindung: %s · IBAN %s · BIC %s", p.BankName, FormatIBAN(p.IBAN), p.BIC),
		}
	} else {
		d.Intro = "Sehr geehrte Damen und Herren,\nwir schreiben Ihnen die folgenden Positionen gut:"
		d.Terms = []string{"Grund: " + inv.Reason, "Der Betrag wird mit offenen Forderungen verrechnet oder auf Ihr Konto erstattet."}
	}
	d.Footer = footer(p)
	return d
}

// footer prints the provider's legal and bank data in three columns, as
// every other document does (document.Legal).
func footer(p Provider) []string {
	return document.Legal{LegalName: p.LegalName, Street: p.Street, Zip: p.Zip, City: p.City, VATID: p.VATID, TaxNumber: p.TaxNumber,
		RegisterEntry: p.RegisterEntry, IBAN: p.IBAN, BIC: p.BIC, BankName: p.BankName, ContactName: p.ContactName,
		ContactPhone: p.ContactPhone, EInvoiceAddress: p.EInvoiceAddress}.Footer()
}

// proRata tells the active days and the days of the month of a billing
// run's line that covers part of one month (its net is not quantity ×
// price then).
func proRata(l *Line) (active, monthDays int64, ok bool) {
	if l.SubscriptionID == nil || l.ServiceFrom.IsZero() || l.ServiceTo.IsZero() {
		return 0, 0, false
	}
	from, to := l.ServiceFrom.Time(), l.ServiceTo.Time()
	if from.Year() != to.Year() || from.Month() != to.Month() {
		return 0, 0, false
	}
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	monthDays = int64(first.AddDate(0, 1, -1).Day())
	active = int64(to.Sub(from).Hours()/24) + 1
	if active == monthDays {
		return 0, 0, false
	}
	return active, monthDays, true
}

// FormatIBAN groups an IBAN in fours, as printed.
func FormatIBAN(iban string) string { return document.FormatIBAN(iban) }

// KindMail is the job that mails an issued invoice or credit note with
// its PDF to the member's invoice address, after the commit.
const KindMail = "invoice.mail"

type mailRequest struct {
	InvoiceID int64 `json:"invoice_id"`
}

// afterIssue issues the PDF after the commit (document.IssueLater) and,
// when the member has an invoice address, a job that mails it with the
// PDF attached – both in the issuing transaction.
func (s *Service) afterIssue(ctx context.Context, tx bun.IDB, inv *Invoice) error {
	ref := document.Ref{Entity: DocumentEntity, EntityID: inv.ID, Version: 1, OrgID: inv.OrgID}
	if err := document.IssueLater(ctx, tx, ref, Document(inv)); err != nil {
		return err
	}
	if inv.InvoiceEmail == "" {
		return nil
	}
	return job.Enqueue(ctx, tx, KindMail, mailRequest{InvoiceID: inv.ID}, job.About(DocumentEntity, inv.ID),
		job.Dedupe(fmt.Sprintf("%s:%d", KindMail, inv.ID)))
}

// Register gives a job runner the mail handlers of issued invoices and of
// payment reminders (reminder.go). The first
// takes the stored PDF (issuing it now if its own job has not run yet)
// and enqueues the mail with the PDF (and, when wired, the XRechnung)
// attached, once.
func (s *Service) Register(r *job.Runner) {
	s.registerReminderMail(r)
	r.Handle(KindMail, func(ctx context.Context, j *job.Job) error {
		var req mailRequest
		if err := j.Decode(&req); err != nil {
			return err
		}
		inv, err := load(ctx, s.DB, req.InvoiceID)
		if err != nil {
			return err
		}
		st, err := document.GetIssued(ctx, s.DB, DocumentEntity, inv.ID, docKind(inv.Kind), 1)
		if err != nil {
			return err
		}
		msg := Mail(inv, st)
		if s.XRechnung != nil {
			// The XRechnung beside the PDF; one the rules refuse (say, the
			// provider's contact is missing) must not hold back the PDF.
			if xml, err := s.XRechnung(inv); err != nil {
				slog.WarnContext(ctx, "invoice mail without XRechnung", "invoice", inv.Number, "err", err)
			} else {
				msg.Attachments = append(msg.Attachments, notify.Attachment{Name: inv.Number + ".xml", ContentType: "application/xml", Data: xml})
			}
		}
		return notify.EnqueueOnce(ctx, s.DB, fmt.Sprintf("%s:%d", KindMail, inv.ID), msg)
	})
}

// Mail is the e-mail of an issued invoice or credit note, PDF attached.
func Mail(inv *Invoice, st *document.Stored) notify.Message {
	subject := fmt.Sprintf("%s %s der %s", inv.Kind.Label(), inv.Number, inv.Provider.LegalName)
	var body strings.Builder
	fmt.Fprintf(&body, "Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere %s %s vom %s", inv.Kind.Label(), inv.Number, inv.IssueDate.German())
	if inv.OrderNumber != "" {
		fmt.Fprintf(&body, " zur Bestellung %s", inv.OrderNumber)
	}
	fmt.Fprintf(&body, " über %s.\n", money.Format(inv.GrossCents))
	if inv.Kind == KindInvoice {
		fmt.Fprintf(&body, "Bitte überweisen Sie den Betrag bis zum %s unter Angabe der Rechnungsnummer.\n", inv.DueDate.German())
	}
	fmt.Fprintf(&body, "\nMit freundlichen Grüßen\n%s\n", inv.Provider.LegalName)
	return notify.Message{Event: "invoice.issue", To: inv.InvoiceEmail, Subject: subject, Body: body.String(),
		Entity: DocumentEntity, EntityID: inv.ID,
		Attachments: []notify.Attachment{{Name: st.FileName, ContentType: "application/pdf", Data: st.Bytes}}}
}
