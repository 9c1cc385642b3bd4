package order

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/document"
)

// This file holds every document of an order apart from the confirmation
// step itself: the delivery notes (Lieferscheine) issued with each
// delivery, the downloads of each document by its kind, and the list the
// order page links. Each issued document has its own kind and file name,
// so the order request stays downloadable after the confirmation.

// DeliveryNoteNumber is the number of delivery no of the order numbered
// orderNumber: "BA-2026-000003-L1".
func DeliveryNoteNumber(orderNumber string, no int) string {
	return fmt.Sprintf("%s-L%d", orderNumber, no)
}

// DeliveryNoteDocument is the delivery note of delivery d of order o,
// dated the day of the delivery: what was delivered, with the serial
// numbers, and what is still open; no prices.
func DeliveryNoteDocument(ctx context.Context, idb bun.IDB, o *Order, d *Delivery) (document.Document, error) {
	day := calendar.Of(d.RecordedAt)
	doc, err := DocumentBase(ctx, idb, o, document.KindDeliveryNote, day)
	if err != nil {
		return doc, err
	}
	doc.Number = DeliveryNoteNumber(o.Number, d.DeliveryNo)
	doc.Meta = append(doc.Meta, [2]string{"Bestellung", o.Number}, [2]string{"Lieferung", fmt.Sprintf("%d vom %s", d.DeliveryNo, day.German())})
	doc.Intro = "Sehr geehrte Damen und Herren,\nwir liefern Ihnen die folgenden Positionen:"
	for _, dl := range d.Lines {
		ol := o.LineByID(dl.OrderLineID)
		if ol == nil {
			return doc, fmt.Errorf("delivery note %s: order line %d missing", doc.Number, dl.OrderLineID)
		}
		line := document.Line{Position: ol.LineNo, SKU: ol.SKU, Text: ol.Name, Quantity: dl.Quantity, Unit: ol.Unit}
		if len(dl.Serials) > 0 {
			line.Detail = "Seriennummern: " + strings.Join(dl.Serials, ", ")
		}
		doc.Lines = append(doc.Lines, line)
	}
	var open []string
	for _, l := range o.Lines {
		if delivered := deliveredUpTo(o, l, d.DeliveryNo); delivered < l.Quantity {
			open = append(open, fmt.Sprintf("%d × %s", l.Quantity-delivered, l.Name))
		}
	}
	if len(open) == 0 {
		doc.Terms = []string{"Mit dieser Lieferung ist die Bestellung vollständig geliefert."}
	} else {
		doc.Terms = []string{"Noch nicht geliefert: " + strings.Join(open, ", ") + ". Die Restmenge folgt mit einer weiteren Lieferung."}
	}
	note := "Ware vollständig und unbeschädigt erhalten:\n\n______________________________ (Datum, Name, Unterschrift)"
	if d.Note != "" {
		note = "Hinweis: " + d.Note + "\n\n" + note
	}
	doc.Note = note
	return doc, nil
}

// deliveredUpTo is the quantity of line l delivered by delivery no and
// those before it, so a delivery note prints the same open quantities
// whenever it is rendered.
func deliveredUpTo(o *Order, l *Line, no int) int64 {
	var n int64
	for _, d := range o.Deliveries {
		if d.DeliveryNo > no {
			continue
		}
		for _, dl := range d.Lines {
			if dl.OrderLineID == l.ID {
				n += dl.Quantity
			}
		}
	}
	return n
}

// issueDeliveryNote issues the delivery note of d inside the delivering
// step's transaction; a job renders and stores it after the commit
// (document.IssueLater). Its version in the documents table is the
// delivery number.
func issueDeliveryNote(ctx context.Context, tx bun.IDB, o *Order, d *Delivery) (string, error) {
	doc, err := DeliveryNoteDocument(ctx, tx, o, d)
	if err != nil {
		return "", err
	}
	ref := document.Ref{Entity: DocumentEntity, EntityID: o.ID, Version: int64(d.DeliveryNo), OrgID: o.OrgID}
	return doc.Number, document.IssueLater(ctx, tx, ref, doc)
}

// documentsOf loads order id for whoever may see it and read its
// documents; another member's order is a 404.
func (s *Service) documentsOf(ctx context.Context, actor account.Principal, id int64) (*Order, error) {
	o, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "document", ID: o.ID, OrgID: o.OrgID}); err != nil {
		return nil, err
	}
	return o, nil
}

// RequestPDF is the order request (Bestellanforderung) of order id as it
// stands, rendered on the fly, in every state of the order – also after
// the confirmation, under its own file name.
func (s *Service) RequestPDF(ctx context.Context, actor account.Principal, id int64) (*document.File, error) {
	o, err := s.documentsOf(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	d, err := RequestDocument(ctx, s.DB, o)
	if err != nil {
		return nil, err
	}
	return document.Preview(d)
}

// ConfirmationPDF is the stored order confirmation of order id (the
// latest, when a corrected one was issued); a 404 before the order is
// confirmed.
func (s *Service) ConfirmationPDF(ctx context.Context, actor account.Principal, id int64) (*document.File, error) {
	o, err := s.documentsOf(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	st, err := document.LatestIssued(ctx, s.DB, DocumentEntity, o.ID, document.KindOrderConfirmation)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, apperr.New(apperr.NotFound, "Zur Bestellung %s gibt es keine Auftragsbestätigung.", o.Number)
	}
	if err != nil {
		return nil, err
	}
	return st.File(), nil
}

// DeliveryNote is the stored delivery note of delivery deliveryID of
// order orderID, byte-identical on every download; a delivery of another
// order is a 404.
func (s *Service) DeliveryNote(ctx context.Context, actor account.Principal, orderID, deliveryID int64) (*document.File, error) {
	o, err := s.documentsOf(ctx, actor, orderID)
	if err != nil {
		return nil, err
	}
	d := o.DeliveryByID(deliveryID)
	if d == nil {
		return nil, apperr.New(apperr.NotFound, "Die Lieferung gehört nicht zur Bestellung %s.", o.Number)
	}
	st, err := document.GetIssued(ctx, s.DB, DocumentEntity, o.ID, document.KindDeliveryNote, int64(d.DeliveryNo))
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, apperr.New(apperr.NotFound, "Zur Lieferung %d der Bestellung %s ist kein Lieferschein gespeichert.", d.DeliveryNo, o.Number)
	}
	if err != nil {
		return nil, err
	}
	return st.File(), nil
}

// DocumentInfo is one document of an order as the order page links it.
// Entity and EntityID say whose download it is: "order" (RequestPDF,
// ConfirmationPDF, DeliveryNote with DeliveryID) or "invoice" (the
// invoice service's PDF of invoice EntityID).
type DocumentInfo struct {
	Kind       document.Kind
	Number     string
	FileName   string
	Date       calendar.Date
	Entity     string
	EntityID   int64
	DeliveryID int64 // delivery notes: the delivery
}

// Documents lists the documents of order id the actor may see, in the
// order of the order's life: the request, the confirmation, the delivery
// notes, then the invoices and credit notes (only for whoever may read
// invoices).
func (s *Service) Documents(ctx context.Context, actor account.Principal, id int64) ([]DocumentInfo, error) {
	o, err := s.documentsOf(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	req := document.Document{Kind: document.KindOrderRequest, Number: o.Number}
	out := []DocumentInfo{{Kind: req.Kind, Number: o.Number, FileName: document.FileName(req), Date: calendar.Of(o.SubmittedAt),
		Entity: DocumentEntity, EntityID: o.ID}}
	if !o.State.Confirmed() {
		return out, nil // everything else is issued from the confirmation on
	}
	issued, err := document.List(ctx, s.DB, DocumentEntity, o.ID)
	if err != nil {
		return nil, err
	}
	for _, kind := range []document.Kind{document.KindOrderConfirmation, document.KindDeliveryNote} {
		var latest *DocumentInfo
		for _, in := range issued {
			if in.Kind != kind {
				continue
			}
			info := DocumentInfo{Kind: in.Kind, Number: in.Number, FileName: in.FileName, Date: in.Date, Entity: DocumentEntity, EntityID: o.ID}
			if kind == document.KindOrderConfirmation { // only the latest is served
				latest = &info
				continue
			}
			for _, d := range o.Deliveries {
				if int64(d.DeliveryNo) == in.Version {
					info.DeliveryID = d.ID
				}
			}
			out = append(out, info)
		}
		if latest != nil {
			out = append(out, *latest)
		}
	}
	invoices, err := s.invoiceDocuments(ctx, actor, o)
	if err != nil {
		return nil, err
	}
	return append(out, invoices...), nil
}

// invoiceDocuments lists the invoices and credit notes of o for an actor
// who may read them (read from the invoices table: the invoice package
// builds on this one).
func (s *Service) invoiceDocuments(ctx context.Context, actor account.Principal, o *Order) ([]DocumentInfo, error) {
	var rows []struct {
		ID        int64         `bun:"id"`
		Kind      string        `bun:"kind"`
		Number    string        `bun:"number"`
		IssueDate calendar.Date `bun:"issue_date,type:text"`
	}
	if err := s.DB.NewSelect().Table("invoices").Column("id", "kind", "number", "issue_date").
		Where("order_id = ?", o.ID).OrderExpr("id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("invoices of order %s: %w", o.Number, err)
	}
	var out []DocumentInfo
	for _, r := range rows {
		if s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "invoice", ID: r.ID, OrgID: o.OrgID}) != nil {
			continue
		}
		kind := document.KindInvoice
		if r.Kind == "credit_note" {
			kind = document.KindCreditNote
		}
		d := document.Document{Kind: kind, Number: r.Number}
		out = append(out, DocumentInfo{Kind: kind, Number: r.Number, FileName: document.FileName(d), Date: r.IssueDate, Entity: "invoice", EntityID: r.ID})
	}
	return out, nil
}
