package quote

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
	"coopshop/internal/document"
	"coopshop/internal/order"
)

// Project quotations (issue 14): sales starts a quotation for a member
// directly, without an order request behind it (a printer and copier
// concept: devices, installation, a monthly service rate), with catalog
// lines, free lines and rental or seat lines. It runs the same machine as
// every quotation (submit, the sales lead's approval where needed, send);
// once sent, a purchaser of the member takes it up (Request) and becomes
// its requester, the member's approval chain accepts it as any quotation,
// and with the last acceptance internal/sales creates the order confirmed
// (order.ConfirmProject).

// maxTitle bounds a project quotation's title.
const maxTitle = 200

// ProjectInput is a new project quotation as sales enters it.
type ProjectInput struct {
	MemberID int64
	Title    string
	Lines    []LineInput
	// ValidUntil is the validity; zero: ValidityDays from today.
	ValidUntil calendar.Date
	Note       string
}

// CreateProject starts a project quotation for a member as a draft v1
// drafted by actor (the enforcer decides quote create for that member).
// Catalog lines take the product's SKU, unit, VAT rate, kind and rental
// term; a catalog line without a price gets the member's price of today
// (contract or list). The number is the next AN number of the year.
func (s *Service) CreateProject(ctx context.Context, actor account.Principal, in ProjectInput) (*Quote, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "create", authz.Object{Kind: "quote", OrgID: in.MemberID}); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.Fields("Bitte ein Mitglied wählen.", apperr.FieldError{Field: "member_id", Message: "Dieses Mitglied gibt es nicht."})
		}
		return nil, err
	}
	today := s.today()
	var fe []apperr.FieldError
	org, err := account.GetOrganisation(ctx, s.DB, in.MemberID)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound || (err == nil && org.Kind != account.KindMember):
		fe = append(fe, apperr.FieldError{Field: "member_id", Message: "Bitte ein Mitglied wählen."})
	case err != nil:
		return nil, err
	}
	title := strings.TrimSpace(in.Title)
	if title == "" || len(title) > maxTitle || strings.ContainsAny(title, "\r\n") {
		fe = append(fe, apperr.FieldError{Field: "title", Message: fmt.Sprintf("Bitte einen Titel angeben (eine Zeile, höchstens %d Zeichen).", maxTitle)})
	}
	valid := in.ValidUntil
	switch {
	case valid.IsZero():
		valid = today.AddDays(ValidityDays)
	case valid.Before(today):
		fe = append(fe, apperr.FieldError{Field: "valid_until", Message: "Das Gültigkeitsdatum liegt in der Vergangenheit."})
	case valid.After(today.AddMonths(12 * maxValidYears)):
		fe = append(fe, apperr.FieldError{Field: "valid_until", Message: "Ein Angebot gilt höchstens ein Jahr."})
	}
	note := strings.TrimSpace(strings.ReplaceAll(in.Note, "\r\n", "\n"))
	if len(note) > maxNote {
		fe = append(fe, apperr.FieldError{Field: "note", Message: fmt.Sprintf("Höchstens %d Zeichen.", maxNote)})
	}
	var lines []*Line
	if org != nil && org.Kind == account.KindMember {
		var errs []apperr.FieldError
		if lines, errs, err = projectLines(ctx, s.DB, in.MemberID, today, in.Lines); err != nil {
			return nil, err
		}
		fe = append(fe, errs...)
	}
	if fe != nil {
		return nil, apperr.Fields("Bitte prüfen Sie die Angaben zum Projektangebot.", fe...)
	}
	now := s.Clock.Now().UTC()
	uid := actor.User.ID
	var out *Quote
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		number, err := db.NextNumber(ctx, tx, NumberPrefix, today.Time().Year())
		if err != nil {
			return err
		}
		q := &Quote{OrgID: in.MemberID, Number: number, VersionNo: 1, State: StateDraft, Version: 1, Project: true, Title: title,
			ValidUntil: valid, PaymentTerms: order.DefaultPaymentTerms, DeliveryTerms: order.DefaultDeliveryTerms, Note: note,
			DraftedBy: &uid, CreatedAt: now, UpdatedAt: now, Lines: lines}
		q.addAuthor(uid)
		q.setTotals()
		if err := insert(ctx, tx, q); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "quote.create", Entity: "quote", EntityID: q.ID,
			Version: q.Version, OrgID: q.OrgID, Detail: map[string]any{"number": q.Number, "version_no": q.VersionNo,
				"project": true, "title": q.Title, "lines": len(q.Lines), "gross_cents": q.GrossCents, "to": q.State}}); err != nil {
			return err
		}
		out, err = load(ctx, tx, q.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// projectLines checks and builds the lines of a project quotation: a line
// with a product names an active catalog product (its SKU, unit, VAT rate,
// kind and term are the product's; without a price it gets the member's
// price of day), a line without one is a free line.
func projectLines(ctx context.Context, idb bun.IDB, memberID int64, day calendar.Date, in []LineInput) ([]*Line, []apperr.FieldError, error) {
	qty := map[int64]int64{}
	var ids []int64
	for _, li := range in {
		if li.ProductID != 0 {
			if _, ok := qty[li.ProductID]; !ok {
				ids = append(ids, li.ProductID)
			}
			qty[li.ProductID] = max(li.Quantity, 1)
		}
	}
	products, err := catalog.ProductsByID(ctx, idb, ids)
	if err != nil {
		return nil, nil, err
	}
	prices, err := catalog.ResolveMany(ctx, idb, memberID, qty, day)
	if err != nil {
		return nil, nil, err
	}
	var known []*Line
	for _, id := range ids {
		p := products[id]
		if p == nil || !p.Active {
			continue
		}
		pid := p.ID
		l := &Line{ProductID: &pid, SKU: p.SKU, Description: p.Name, Unit: p.Unit, VATPercent: p.VATPercent, Kind: p.Kind,
			UnitPriceCents: prices[id].UnitCents}
		if p.Kind == catalog.KindRental && p.RentalTermMonths != nil {
			l.TermMonths = *p.RentalTermMonths
		}
		known = append(known, l)
	}
	priced := make([]LineInput, len(in))
	for i, li := range in {
		priced[i] = li
		if li.ProductID == 0 || li.UnitPriceCents != 0 {
			continue
		}
		for _, k := range known {
			if *k.ProductID == li.ProductID {
				priced[i].UnitPriceCents = k.UnitPriceCents
			}
		}
	}
	lines, fe := checkLinesOf(known, false, priced)
	return lines, fe, nil
}

// PreviewProject is Preview for a project quotation's draft: its catalog
// lines may name any active product.
func (s *Service) PreviewProject(ctx context.Context, q *Quote, in []LineInput) (*Quote, error) {
	lines, fe, err := projectLines(ctx, s.DB, q.OrgID, s.today(), in)
	if err != nil {
		return nil, err
	}
	if fe != nil {
		return nil, apperr.Fields("Bitte prüfen Sie die Positionen.", fe...)
	}
	c := *q
	c.Lines = lines
	c.setTotals()
	return &c, nil
}

// projectAllows is the part of the machine that depends on the kind of
// quotation: only a project quotation is taken up, once; it is accepted
// only after it was taken up (the acceptance is the approval of its
// requester's order).
func projectAllows(q *Quote, st Step) bool {
	switch st {
	case StepRequest:
		return q.Project && q.TakenUpBy == nil
	case StepAccept:
		return !q.Project || q.TakenUpBy != nil
	}
	return true
}

// Request is a purchaser of the member taking a sent project quotation up
// ("Angebot annehmen und bestellen"): they become its requester, and the
// cost centre, delivery address and Bestellzeichen they give (checked like
// an order request's) are the order's when the member's approval chain
// accepts the quotation. A quotation of an order, or one already taken up,
// is a conflict.
func (s *Service) Request(ctx context.Context, actor account.Principal, id, version int64, in order.Input) (*Quote, error) {
	return s.step(ctx, actor, id, version, StepRequest, func(ctx context.Context, r *run) (State, error) {
		q := r.quote
		if !q.Project {
			return "", apperr.New(apperr.Conflict, "Das Angebot %s gehört zur Bestellung %s; übernommen werden nur Projektangebote.", q.DisplayNumber(), q.OrderNumber)
		}
		if q.TakenUpBy != nil {
			return "", apperr.New(apperr.Conflict, "Das Projektangebot %s wurde bereits von %s übernommen.", q.DisplayNumber(), q.RequesterName)
		}
		if q.ExpiredOn(r.today) {
			return "", expiredMessage(q)
		}
		h, err := order.CheckTakeUp(ctx, r.tx, q.OrgID, in, r.today)
		if err != nil {
			return "", err
		}
		uid, now := r.actor.User.ID, r.now
		q.TakenUpBy, q.TakenUpAt = &uid, &now
		q.RequesterID, q.RequesterName = uid, r.actor.User.Name
		q.CostCentre, q.DeliveryAddress, q.BuyerReference = h.CostCentre, h.DeliveryAddress, h.BuyerReference
		r.detail["cost_centre"] = q.CostCentre
		if q.BuyerReference != "" {
			r.detail["buyer_reference"] = q.BuyerReference
		}
		// The member's stages hold four-eyes against the requester from now
		// on: stored stages stay, they name roles and amounts only.
		return StateSent, nil
	})
}

// ProjectOrder is an accepted project quotation as its new order takes it
// over (order.ConfirmProject), accepted at by the named member user.
func (q *Quote) ProjectOrder(at time.Time, by string) (order.Project, error) {
	p := order.Project{QuoteID: q.ID, Number: q.DisplayNumber(), Title: q.Title, OrgID: q.OrgID, RequesterID: idOf(q.TakenUpBy),
		CostCentre: q.CostCentre, DeliveryAddress: q.DeliveryAddress, BuyerReference: q.BuyerReference, Totals: q.Totals()}
	for _, l := range q.Lines {
		pl := order.ProjectLine{SKU: l.SKU, Name: l.Description, Kind: l.Kind, Unit: l.Unit, Quantity: l.Quantity,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, NetCents: l.NetCents, TermMonths: l.TermMonths}
		if l.ProductID != nil {
			pl.ProductID = *l.ProductID
		}
		p.Lines = append(p.Lines, pl)
	}
	quoted, err := q.Quoted(at, by)
	if err != nil {
		return p, err
	}
	p.Confirmation = quoted.Confirmation
	p.Confirmation.Reference = fmt.Sprintf("Projekt „%s“, %s", q.Title, quoted.Confirmation.Reference)
	return p, nil
}

// projectFrame is the printed frame of a project quotation: letterhead,
// the member's address, the project's title as reference, and once taken
// up the header of the order to come.
func projectFrame(ctx context.Context, idb bun.IDB, q *Quote) (document.Document, error) {
	issuer, recipient, footer, err := order.Parties(ctx, idb, q.OrgID)
	if err != nil {
		return document.Document{}, err
	}
	d := document.Document{Kind: document.KindQuote, Date: q.DocumentDate().Time(), Issuer: issuer, Recipient: recipient, Footer: footer}
	d.Reference = "Projekt: " + q.Title
	if q.TakenUpBy != nil {
		d.Meta = append(d.Meta, [2]string{"Kostenstelle", q.CostCentre}, [2]string{"Angefordert von", q.RequesterName})
		if q.BuyerReference != "" {
			d.Meta = append(d.Meta, [2]string{"Ihr Bestellzeichen", q.BuyerReference})
		}
	}
	return d, nil
}

// LinkOrder names the order an accepted project quotation became on every
// version of it, inside the acceptance's transaction tx: from then on the
// order shows its quotation and the quotation its order.
func LinkOrder(ctx context.Context, tx bun.IDB, q *Quote, orderID int64) error {
	if !q.Project || q.OrderID != 0 {
		return fmt.Errorf("quote %s: only a project quotation without order gets one", q.DisplayNumber())
	}
	_, err := tx.NewUpdate().Model((*Quote)(nil)).Set("order_id = ?", orderID).
		Where("number = ? AND project AND order_id IS NULL", q.Number).Exec(ctx)
	if err != nil {
		return fmt.Errorf("link quote %s to its order: %w", q.DisplayNumber(), err)
	}
	q.OrderID = orderID
	return nil
}

// ProjectChoices are what the form of a new project quotation offers:
// the members and the active catalog products (for its catalog lines).
type ProjectChoices struct {
	Members  []account.Organisation
	Products []*catalog.Product
}

// Choices lists the members and active products for sales' form
// „Neues Projektangebot“ and the catalog lines of a project draft; the
// enforcer decides quote create.
func (s *Service) Choices(ctx context.Context, actor account.Principal) (ProjectChoices, error) {
	var out ProjectChoices
	if err := s.Authz.Can(ctx, actor.Subject, "create", authz.On("quote")); err != nil {
		return out, err
	}
	if err := s.DB.NewSelect().Model(&out.Members).Where("kind = ?", account.KindMember).OrderExpr("name, id").Scan(ctx); err != nil {
		return out, fmt.Errorf("members for project quotes: %w", err)
	}
	if err := s.DB.NewSelect().Model(&out.Products).Where("p.active").OrderExpr("p.name, p.id").Limit(2000).Scan(ctx); err != nil {
		return out, fmt.Errorf("products for project quotes: %w", err)
	}
	return out, nil
}

// ToTakeUp lists the sent project quotations of the actor's member that
// nobody took up yet and the actor may take up, oldest first: the
// purchaser's to-do „Projektangebote“.
func (s *Service) ToTakeUp(ctx context.Context, actor account.Principal) ([]*Quote, error) {
	if actor.User == nil || !s.Authz.Allowed(actor.Subject, "request", authz.On("quote")) {
		return nil, nil
	}
	qs, err := List(ctx, s.DB, Filter{OrgID: actor.User.OrgID, States: []State{StateSent}, Project: true, OldestFirst: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := qs[:0]
	for _, q := range qs {
		if s.Allowed(actor, q, StepRequest) {
			out = append(out, q)
		}
	}
	return out, nil
}
