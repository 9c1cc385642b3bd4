// Package sales holds the steps that span an order and its quotation
// (DESIGN §3): opening a quotation moves the order into quoting, accepting
// the last stage of the member's approval confirms the order at the quoted
// prices, a rejection or expiry closes it. Each such step is one
// transaction opened here: the quote package decides and writes its side
// (its machine, the enforcer, the audit entry), the order package its own,
// authorized by the quotation's decision (a workflow.Permit) or as the
// system; neither package calls the other's services.
package sales

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/clock"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/workflow"
)

// Service is the steps across order and quotation.
type Service struct {
	DB     *bun.DB
	Orders *order.Service
	Quotes *quote.Service
	// Clock tells today for the expiry.
	Clock clock.Clock
}

// NewService wires the sales steps over the order and quote services.
// Authorization happens in their steps (the enforcer, or the Permit of the
// quotation's decision).
func NewService(bdb *bun.DB, orders *order.Service, quotes *quote.Service) *Service {
	return &Service{DB: bdb, Orders: orders, Quotes: quotes, Clock: clock.System()}
}

// OpenQuote is sales' "Angebot erstellen" on an approved order with lines
// that need a quotation: in one transaction the order moves into quoting
// (the enforcer decides order quote) and the first version is created as a
// draft (quote edit). It returns the draft.
func (s *Service) OpenQuote(ctx context.Context, actor account.Principal, orderID, version int64) (*quote.Quote, error) {
	if version <= 0 { // a user names the version seen; 0 is no "current"
		return nil, apperr.MissingVersion()
	}
	var q *quote.Quote
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		o, err := s.Orders.StartQuote(ctx, tx, actor, orderID, version)
		if err != nil {
			return err
		}
		q, err = s.Quotes.Open(ctx, tx, actor, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// Accept is one member decision on a sent version: it decides the open
// stage of the member's approval (the quote package asks the enforcer:
// the stage's role, the personal limit, four-eyes against the requester
// and between stages). With the last stage the version is accepted and,
// in the same transaction, the order is confirmed at the quoted prices
// with its order confirmation stored. A version past its validity cannot
// be accepted: the attempt expires it (and closes the order) and answers
// a conflict that says since when.
func (s *Service) Accept(ctx context.Context, actor account.Principal, id, version int64, comment string) (*quote.Quote, error) {
	if version <= 0 { // a user names the version seen; 0 is no "current"
		return nil, apperr.MissingVersion()
	}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		q, permit, err := s.Quotes.Accept(ctx, tx, actor, id, version, comment)
		if err != nil || q.State != quote.StateAccepted {
			return err
		}
		if q.Project {
			return s.orderProject(ctx, tx, q, permit, actor)
		}
		quoted, err := q.Quoted(q.UpdatedAt, actor.User.Name)
		if err != nil {
			return err
		}
		_, err = s.Orders.ConfirmQuoted(ctx, tx, permit.By(), q.OrderID, quoted)
		return err
	})
	var ex *quote.ExpiredError
	if errors.As(err, &ex) {
		if _, err := s.expire(ctx, id, ex.Quote.Version); err != nil && apperr.CodeOf(err) != apperr.Conflict {
			return nil, err
		}
		return nil, ex.Conflict()
	}
	if err != nil {
		return nil, err
	}
	return s.Quotes.Get(ctx, actor, id)
}

// orderProject creates the order of a project quotation whose last
// member stage was just accepted, in the acceptance's transaction tx and
// authorized by it: confirmed at once, at the quoted prices, with the
// header its purchaser gave when taking it up; every version of the
// quotation then names the order.
func (s *Service) orderProject(ctx context.Context, tx bun.IDB, q *quote.Quote, permit workflow.Permit, actor account.Principal) error {
	p, err := q.ProjectOrder(q.UpdatedAt, actor.User.Name)
	if err != nil {
		return err
	}
	o, err := s.Orders.ConfirmProject(ctx, tx, permit.By(), p)
	if err != nil {
		return err
	}
	return quote.LinkOrder(ctx, tx, q, o.ID)
}

// Reject is the member's rejection of a sent version with a reason: in one
// transaction the version is rejected and the order closed, its reserved
// quotas given back.
func (s *Service) Reject(ctx context.Context, actor account.Principal, id, version int64, comment string) (*quote.Quote, error) {
	if version <= 0 { // a user names the version seen; 0 is no "current"
		return nil, apperr.MissingVersion()
	}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		q, permit, err := s.Quotes.Reject(ctx, tx, actor, id, version, comment)
		if err != nil || q.Project { // a project quotation has no order to close
			return err
		}
		_, err = s.Orders.EndQuoting(ctx, tx, permit.By(), q.OrderID, q.ID, "Angebot "+q.DisplayNumber()+" abgelehnt: "+q.AnswerComment)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Quotes.Get(ctx, actor, id)
}

// expire lets one sent version expire, as the system, in its own
// transaction, with the version the caller loaded; its order is closed
// unless it ended otherwise (withdrawn), when only the version expires.
func (s *Service) expire(ctx context.Context, id, version int64) (*quote.Quote, error) {
	var out *quote.Quote
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		q, err := s.Quotes.Expire(ctx, tx, id, version)
		if err != nil {
			return err
		}
		out = q
		if q.Project {
			return nil // no order waits for it
		}
		_, st, err := order.StateOf(ctx, tx, q.OrderID)
		if err != nil || st != order.StateQuoting {
			return err
		}
		_, err = s.Orders.EndQuoting(ctx, tx, workflow.System(), q.OrderID, q.ID, "Angebot "+q.DisplayNumber()+" abgelaufen")
		return err
	})
	return out, err
}

// ExpireDue lets every sent version whose validity ended before today
// expire, each in its own transaction, and returns how many it expired.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := quote.DueForExpiry(ctx, s.DB, clock.Today(s.Clock), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		progress := false
		for _, d := range due {
			_, err := s.expire(ctx, d.ID, d.Version)
			switch {
			case err == nil:
				n++
				progress = true
			case apperr.CodeOf(err) == apperr.Conflict:
				// Answered or changed meanwhile: no longer due.
			default:
				return n, err
			}
		}
		if !progress {
			return n, nil
		}
	}
}

// RunExpiry is the periodic job that lets unanswered quotations expire
// (DESIGN §3): every interval, and once at start, every sent version whose
// validity ended before today expires and its order is closed, audited as
// the system. It returns when ctx ends. Several processes may run it at
// once: each expiry is a version-checked step, so a version expires once.
func (s *Service) RunExpiry(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.ExpireDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("expire quotations", "err", err)
		case n > 0:
			log.Info("quotations expired", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
