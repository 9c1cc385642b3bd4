package order

import (
	"context"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/document"
)

// DocumentEntity is the documents table's name for orders.
const DocumentEntity = "order"

// issueConfirmation issues the order confirmation inside the confirming
// step's transaction: the confirmation is issued exactly when the order is
// confirmed. It is rendered and stored with its SHA-256 by a job after the
// commit (document.IssueLater), or by the first download if that comes
// first, with the same bytes; every download serves those. version is the
// order's version after the step.
func issueConfirmation(ctx context.Context, tx bun.IDB, o *Order, version int64, day calendar.Date, c Confirmation) error {
	d, err := ConfirmationDocument(ctx, tx, o, day, c)
	if err != nil {
		return err
	}
	return document.IssueLater(ctx, tx, document.Ref{Entity: DocumentEntity, EntityID: o.ID, Version: version, OrgID: o.OrgID}, d)
}

// confirmedStates are the states in which an order has its confirmation.
var confirmedStates = map[State]bool{StateConfirmed: true, StateDelivered: true, StateInvoiced: true, StatePaid: true}

// PDF is the document of order id for whoever may see the order: the stored
// order confirmation once it is confirmed, before that the order request
// rendered from the order as it stands. Another member's order is a 404.
func (s *Service) PDF(ctx context.Context, actor account.Principal, id int64) (*document.File, error) {
	o, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "document", ID: o.ID, OrgID: o.OrgID}); err != nil {
		return nil, err
	}
	if confirmedStates[o.State] {
		st, err := document.LatestIssued(ctx, s.DB, DocumentEntity, o.ID, document.KindOrderConfirmation)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.New(apperr.NotFound, "Zur Bestellung %s ist keine Auftragsbestätigung gespeichert.", o.Number)
		}
		if err != nil {
			return nil, err
		}
		return st.File(), nil
	}
	d, err := RequestDocument(ctx, s.DB, o)
	if err != nil {
		return nil, err
	}
	return document.Preview(d)
}
