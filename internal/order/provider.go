package order

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/workflow"
)

// Confirm is sales' confirmation of an approved order whose lines all have
// contract prices (the Auftragsbestätigung).
func (s *Service) Confirm(ctx context.Context, actor account.Principal, id, version int64) (*Order, error) {
	return s.step(ctx, actor, id, version, StepConfirm, func(ctx context.Context, r *run) (State, error) {
		if names := quoteLines(r.order); len(names) > 0 {
			return "", apperr.New(apperr.Conflict,
				"Die Bestellung kann nicht bestätigt werden: Für %s gibt es keinen Rahmenvertragspreis. Bitte erstellen Sie ein Angebot.",
				strings.Join(names, ", "))
		}
		// The confirmation PDF is issued with the step (document_issue.go).
		if err := issueConfirmation(ctx, r.tx, r.order, r.order.Version+1, calendar.Of(r.now), Confirmation{Handler: r.actor.User.Name}); err != nil {
			return "", err
		}
		return StateConfirmed, nil
	})
}

// StartQuote moves an approved order with lines that need a quotation
// into the quoting state, inside the caller's transaction tx: the order's
// half of opening a quotation (internal/sales creates the draft in the
// same transaction). The enforcer decides on order quote.
func (s *Service) StartQuote(ctx context.Context, tx bun.IDB, actor account.Principal, id, version int64) (*Order, error) {
	return s.stepIn(ctx, tx, workflow.User(actor), id, version, StepQuote, func(ctx context.Context, r *run) (State, error) {
		if len(quoteLines(r.order)) == 0 {
			return "", apperr.New(apperr.Conflict,
				"Alle Positionen haben Rahmenvertragspreise: Bitte bestätigen Sie die Bestellung, statt ein Angebot zu erstellen.")
		}
		return StateQuoting, nil
	})
}

// quoteLines names the lines without a contract price.
func quoteLines(o *Order) []string {
	var out []string
	for _, l := range o.Lines {
		if l.NeedsQuote() {
			out = append(out, "„"+l.Name+"“")
		}
	}
	return out
}
