package purchase

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
	"coopshop/internal/job"
	"coopshop/internal/money"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/workflow"
)

// docRef is the stored PDF of a purchase order: one, version 1 (it never
// changes once issued).
func docRef(po *PurchaseOrder) document.Ref {
	return document.Ref{Entity: Entity, EntityID: po.ID, Version: 1, OrgID: po.OrgID}
}

// Document is the purchase order as the supplier receives it, in the
// letter style of every other document: the provider's letterhead and
// footer, the supplier as recipient, the member's address to deliver to,
// the lines at the framework contract's prices. Its date is the day the
// purchase order was issued, so that it renders to the same bytes.
func Document(ctx context.Context, idb bun.IDB, po *PurchaseOrder) (document.Document, error) {
	issuer, _, footer, err := order.Parties(ctx, idb, po.OrgID)
	if err != nil {
		return document.Document{}, err
	}
	o, err := orderFacts(ctx, idb, po.OrderID)
	if err != nil {
		return document.Document{}, err
	}
	d := document.Document{Kind: document.KindPurchaseOrder, Number: po.Number, Date: po.IssuedOn.Time(), Issuer: issuer, Footer: footer,
		Recipient: document.Party{Name: po.Supplier, Email: po.SupplierEmail},
		Reference: fmt.Sprintf("Rahmenvertrag %s", po.ContractNumber)}
	d.Meta = [][2]string{
		{"Lieferung an", strings.Join(lines(po.ShipTo), ", ")},
		{"Unser Auftrag", o.Number},
		{"Besteller", po.MemberName},
	}
	if o.BuyerReference != "" {
		d.Meta = append(d.Meta, [2]string{"Bestellzeichen des Mitglieds", o.BuyerReference})
	}
	if !o.DesiredDate.IsZero() {
		d.Meta = append(d.Meta, [2]string{"Wunschtermin", o.DesiredDate.German()})
	}
	d.Intro = "Sehr geehrte Damen und Herren,\nim Rahmen des Rahmenvertrags " + po.ContractNumber +
		" bestellen wir die folgenden Positionen. Bitte liefern Sie direkt an unser Mitglied (Streckengeschäft):\n" + po.ShipTo
	if o.Urgent {
		d.Intro = "EILBESTELLUNG – bitte bevorzugt liefern. " + o.UrgentReason + "\n\n" + d.Intro
	}
	for _, l := range po.Lines {
		d.Lines = append(d.Lines, document.Line{Position: l.LineNo, SKU: l.SKU, Text: l.Name, Quantity: l.Quantity, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, VATPercent: l.VATPercent, NetCents: l.NetCents,
			Detail: fmt.Sprintf("Pos. %d unseres Auftrags %s", l.OrderLineNo, o.Number)})
	}
	d.Terms = []string{
		"Preise laut Rahmenvertrag " + po.ContractNumber + ", Lieferung frei Haus direkt an die genannte Lieferadresse.",
		"Bitte bestätigen Sie die Bestellung mit Liefertermin und geben Sie auf Lieferschein und Rechnung unsere Bestell-Nr. " + po.Number + " an.",
	}
	if issuer.Email != "" {
		d.Terms = append(d.Terms, "Auftragsbestätigung bitte an "+issuer.Email+".")
	}
	d.Note = "Mit freundlichen Grüßen\nIhr Einkauf der " + issuer.Name
	return d, nil
}

// orderFacts reads what the purchase order prints of its customer order.
func orderFacts(ctx context.Context, idb bun.IDB, orderID int64) (*order.Order, error) {
	o := new(order.Order)
	err := idb.NewSelect().Model(o).Column("id", "number", "buyer_reference", "desired_date", "urgent", "urgent_reason").
		Where("id = ?", orderID).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("order %d of a purchase order: %w", orderID, err)
	}
	return o, nil
}

func lines(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Mail is the e-mail of a purchase order to its supplier, PDF attached.
func Mail(po *PurchaseOrder, st *document.Stored, issuerName string, urgent bool) notify.Message {
	subject := fmt.Sprintf("Bestellung %s der %s (Rahmenvertrag %s)", po.Number, issuerName, po.ContractNumber)
	if urgent {
		subject = order.UrgentSubjectPrefix + subject
	}
	var body strings.Builder
	fmt.Fprintf(&body, "Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere Bestellung %s vom %s über %s netto (Rahmenvertrag %s).\n\n",
		po.Number, po.IssuedOn.German(), money.Format(po.NetCents), po.ContractNumber)
	fmt.Fprintf(&body, "Bitte liefern Sie direkt an:\n%s\n\n", po.ShipTo)
	fmt.Fprintf(&body, "Bitte bestätigen Sie die Bestellung mit Liefertermin und nennen Sie unsere Bestell-Nr. %s auf Lieferschein und Rechnung.\n\n", po.Number)
	fmt.Fprintf(&body, "Mit freundlichen Grüßen\n%s\n", issuerName)
	return notify.Message{Event: Entity + ".send", To: po.SupplierEmail, Subject: subject, Body: body.String(), Entity: Entity, EntityID: po.ID,
		Attachments: []notify.Attachment{{Name: st.FileName, ContentType: "application/pdf", Data: st.Bytes}}}
}

// Register gives a job runner the handler of KindSend.
func (s *Service) Register(r *job.Runner) {
	r.Handle(KindSend, func(ctx context.Context, j *job.Job) error {
		var req sendRequest
		if err := j.Decode(&req); err != nil {
			return err
		}
		_, err := s.Send(ctx, req.PurchaseOrderID)
		if apperr.CodeOf(err) == apperr.NotFound {
			return job.Permanent(err)
		}
		return err
	})
}

// Send issues purchase order id – renders and stores its PDF, enqueues
// the mail to the supplier with the PDF attached, marks it sent – in one
// transaction as the system. It is what the KindSend job runs; a purchase
// order that was sent already is left alone (sent false), so that a job
// that runs twice, or two runners at once, send it once: the step locks
// the row (PostgreSQL) and its guarded update lets one of them through,
// the stored PDF and the mail job have unique keys besides.
func (s *Service) Send(ctx context.Context, id int64) (sent bool, err error) {
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.flow.Step(ctx, tx, workflow.System(), id, 0, StepSend,
			func(ctx context.Context, r *workflow.Run[*PurchaseOrder, Step, State]) (State, error) {
				po := r.Entity
				d, err := Document(ctx, tx, po)
				if err != nil {
					return "", err
				}
				st, err := document.Issue(ctx, tx, docRef(po), d)
				if err != nil {
					return "", err
				}
				o, err := orderFacts(ctx, tx, po.OrderID)
				if err != nil {
					return "", err
				}
				msg := Mail(po, st, d.Issuer.Name, o.Urgent)
				if err := notify.EnqueueOnce(ctx, tx, fmt.Sprintf("%s:%d", KindSend, po.ID), msg); err != nil {
					return "", err
				}
				now := r.Now
				po.SentAt = &now
				r.Detail["number"] = po.Number
				r.Detail["supplier_email"] = po.SupplierEmail
				r.Detail["sha256"] = st.SHA256
				return StateSent, nil
			})
		return err
	})
	if apperr.CodeOf(err) == apperr.Conflict {
		// Sent by another run already: nothing to do. Any other conflict
		// (a stored PDF with other bytes) stays an error.
		if po, lerr := load(ctx, s.DB, id); lerr == nil && po.State != StateCreated {
			return false, nil
		}
	}
	return err == nil, err
}

// PDF is the stored purchase order for who may read it (sales); before
// its job has run, nothing is stored yet and the document is rendered from
// the data as it will be issued.
func (s *Service) PDF(ctx context.Context, actor account.Principal, id int64) (*document.File, error) {
	po, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "document", ID: po.OrderID, OrgID: po.OrgID}); err != nil {
		return nil, err
	}
	st, err := document.Get(ctx, s.DB, Entity, po.ID, document.KindPurchaseOrder, 1)
	if err == nil {
		return st.File(), nil
	}
	if apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	d, err := Document(ctx, s.DB, po)
	if err != nil {
		return nil, err
	}
	return document.Preview(d)
}

// SentOn is the day the purchase order was mailed, zero before.
func (po *PurchaseOrder) SentOn() calendar.Date {
	if po.SentAt == nil {
		return calendar.Date{}
	}
	return calendar.Of(*po.SentAt)
}
