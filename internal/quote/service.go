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
	"coopshop/internal/db"
	"coopshop/internal/notify"
	"coopshop/internal/order"
)

// Service is the quotation use cases.
type Service struct {
	DB     *bun.DB
	Authz  *authz.Authorizer
	Orders *order.Service
	// BaseURL prefixes the links in notification mails; empty leaves them
	// relative.
	BaseURL string
	// Today is the day validity is judged by (calendar.Today; tests move it).
	Today func() calendar.Date
}

// NewService wires the quotation service and plugs it into the order
// service: sales' StartQuote opens the first version through Open.
func NewService(bdb *bun.DB, az *authz.Authorizer, orders *order.Service) *Service {
	s := &Service{DB: bdb, Authz: az, Orders: orders, Today: calendar.Today}
	if orders != nil {
		orders.OpenQuote = s.Open
		s.BaseURL = orders.BaseURL
	}
	return s
}

// System is the actor of the expiry job: no user, audited as the system.
var System = account.Principal{User: &account.User{Name: "System"}}

func isSystem(actor account.Principal) bool { return actor.User == nil || actor.User.ID == 0 }

// run is one step in progress: the version as loaded in the step's
// transaction and what the step adds to the audit entry and the mails.
type run struct {
	tx      bun.Tx
	actor   account.Principal
	quote   *Quote
	now     time.Time
	today   calendar.Date
	detail  map[string]any
	comment string
	next    *Quote // the version a revision request opened
}

// step executes one transition of the machine on version id, in one
// transaction:
//
//  1. lock (PostgreSQL) and load the version; invisible to the actor → 404
//     (members never see internal states);
//  2. the version the actor saw (0: whatever is current) and the state
//     must match → else 409;
//  3. the enforcer must allow the step's action on the version; approving
//     also on behalf of every author of it (four-eyes) → else 403;
//  4. fn does the step's own checks and changes and names the new state;
//  5. one guarded UPDATE … WHERE id AND version AND state writes the
//     version (0 rows → 409), then the audit entry and the notifications.
//
// The system actor (the expiry job) skips 1's visibility and 3.
func (s *Service) step(ctx context.Context, actor account.Principal, id, version int64, st Step, fn func(ctx context.Context, r *run) (State, error)) (*Quote, error) {
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if db.IsPostgres(tx) {
			if _, err := tx.ExecContext(ctx, "SELECT id FROM quotes WHERE id = ? FOR UPDATE", id); err != nil {
				return fmt.Errorf("lock quote: %w", err)
			}
		}
		q, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !isSystem(actor) {
			if err := s.visible(ctx, actor, q); err != nil {
				return err
			}
		}
		if version != 0 && q.Version != version {
			return stale(q)
		}
		if st == StepAccept && q.State == StateExpired {
			return expiredMessage(q)
		}
		if !st.StartsFrom(q.State) {
			return apperr.New(apperr.Conflict, "%s", wrongState(st, q))
		}
		if !isSystem(actor) {
			if err := s.authorize(ctx, actor, st, q); err != nil {
				return err
			}
		} else if st != StepExpire {
			return fmt.Errorf("quote: step %s needs a user", st)
		}
		r := &run{tx: tx, actor: actor, quote: q, now: time.Now().UTC(), today: s.Today(), detail: map[string]any{"from": q.State}}
		from := q.State
		to, err := fn(ctx, r)
		if err != nil {
			return err
		}
		if err := st.endsIn(to); err != nil {
			return err
		}
		return s.commit(ctx, r, st, from, to)
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// commit writes the version after a step: the guarded update, the audit
// entry, the notifications.
func (s *Service) commit(ctx context.Context, r *run, st Step, from, to State) error {
	q := r.quote
	res, err := r.tx.NewUpdate().Model((*Quote)(nil)).
		Set("state = ?", to).
		Set("version = version + 1").
		Set("valid_until = ?, payment_terms = ?, delivery_terms = ?, note = ?", q.ValidUntil, q.PaymentTerms, q.DeliveryTerms, q.Note).
		Set("net_cents = ?, vat_cents = ?, gross_cents = ?, needs_approval = ?", q.NetCents, q.VATCents, q.GrossCents, q.NeedsApproval).
		Set("submitted_by = ?, submitted_at = ?", q.SubmittedBy, q.SubmittedAt).
		Set("approved_by = ?, approved_at = ?", q.ApprovedBy, q.ApprovedAt).
		Set("sent_by = ?, sent_at = ?", q.SentBy, q.SentAt).
		Set("answered_by = ?, answered_at = ?, answer_comment = ?", q.AnsweredBy, q.AnsweredAt, q.AnswerComment).
		Set("updated_at = ?", r.now).
		Where("id = ? AND version = ? AND state = ?", q.ID, q.Version, from).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("update quote: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stale(q)
	}
	if err := saveAuthors(ctx, r.tx, q); err != nil {
		return err
	}
	q.Version++
	q.State = to
	r.detail["to"] = to
	if r.comment != "" {
		r.detail["comment"] = r.comment
	}
	var actor audit.Actor
	if !isSystem(r.actor) {
		actor = r.actor.Actor()
	}
	if err := audit.Write(ctx, r.tx, audit.Record{Actor: actor, Action: "quote." + string(st), Entity: "quote",
		EntityID: q.ID, Version: q.Version, OrgID: q.OrgID, Detail: r.detail}); err != nil {
		return err
	}
	mails, err := s.mailsAfter(ctx, r.tx, r, st)
	if err != nil {
		return err
	}
	return notify.Enqueue(ctx, r.tx, mails...)
}

func stale(q *Quote) error {
	return apperr.New(apperr.Conflict, "Das Angebot %s wurde inzwischen geändert. Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand.", q.DisplayNumber())
}

// seesInternal tells whether the actor may see versions the member may
// not (drafts, those waiting for approval): whoever reads the quotations
// of every member, that is the provider's staff.
func (s *Service) seesInternal(actor account.Principal) bool {
	return s.Authz.Allowed(actor.Subject, "read", authz.AcrossOrgs("quote"))
}

// visible answers 404 for a version the actor may not see at all: another
// member's, or, for a member, one that was not sent yet.
func (s *Service) visible(ctx context.Context, actor account.Principal, q *Quote) error {
	err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "quote", ID: q.ID, OrgID: q.OrgID})
	if err != nil {
		if apperr.CodeOf(err) == apperr.Unauthorized {
			return err
		}
		return errNotFound
	}
	if q.State.Internal() && !s.seesInternal(actor) {
		return errNotFound
	}
	return nil
}

// authorize asks the enforcer for the step's action on the version. For
// approve it asks once per author of the version, as the drafter: the
// policy's not_owner condition then refuses everyone who drafted, changed
// or submitted it.
func (s *Service) authorize(ctx context.Context, actor account.Principal, st Step, q *Quote) error {
	obj := q.Object()
	if err := s.Authz.Can(ctx, actor.Subject, st.Action(), obj); err != nil {
		return explainDenial(err, st, q)
	}
	if st != StepApprove {
		return nil
	}
	for _, author := range q.AuthorIDs() {
		o := obj
		o.OwnerID = author
		if err := s.Authz.Can(ctx, actor.Subject, st.Action(), o); err != nil {
			return explainDenial(err, st, q)
		}
	}
	return nil
}

// explainDenial turns the enforcer's "no" into a message that says what
// the step asks for; the decision itself stays the enforcer's.
func explainDenial(err error, st Step, q *Quote) error {
	if apperr.CodeOf(err) != apperr.Forbidden {
		return err
	}
	switch st {
	case StepApprove:
		return apperr.Wrap(err, apperr.Forbidden, fmt.Sprintf(
			"Sie dürfen das Angebot %s nicht freigeben: Freigeben darf nur die Vertriebsleitung, und nie, wer an dieser Version mitgearbeitet hat (Vier-Augen-Prinzip).",
			q.DisplayNumber()))
	case StepAccept, StepReject, StepRevise:
		return apperr.Wrap(err, apperr.Forbidden, "Auf Angebote antworten dürfen nur Besteller und Genehmiger des Mitglieds.")
	}
	return err
}

// Get loads a version the actor may see; another member's, or a draft for
// a member, is a 404.
func (s *Service) Get(ctx context.Context, actor account.Principal, id int64) (*Quote, error) {
	q, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, actor, q); err != nil {
		return nil, err
	}
	return q, nil
}

// Allowed tells whether the actor may take step on q now: the state
// machine and the enforcer agree (for approve, for every author). For
// buttons; the step checks again.
func (s *Service) Allowed(actor account.Principal, q *Quote, st Step) bool {
	if !st.StartsFrom(q.State) || st.Action() == "" {
		return false
	}
	if !s.Authz.Allowed(actor.Subject, st.Action(), q.Object()) {
		return false
	}
	if st == StepApprove {
		for _, author := range q.AuthorIDs() {
			o := q.Object()
			o.OwnerID = author
			if !s.Authz.Allowed(actor.Subject, st.Action(), o) {
				return false
			}
		}
	}
	return true
}

// AllowedSteps lists the steps the actor may take on q now, in page order.
func (s *Service) AllowedSteps(actor account.Principal, q *Quote) []Step {
	var out []Step
	for _, st := range Steps {
		if s.Allowed(actor, q, st) {
			out = append(out, st)
		}
	}
	return out
}

// CanEdit tells whether the actor may change the draft q.
func (s *Service) CanEdit(actor account.Principal, q *Quote) bool {
	return s.Allowed(actor, q, StepEdit)
}

// List lists the versions the actor may see: a member's users their
// member's sent and answered ones, the provider's staff all.
func (s *Service) List(ctx context.Context, actor account.Principal, f Filter) ([]*Quote, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("quote")); err != nil {
		return nil, err
	}
	if !s.seesInternal(actor) {
		f.OrgID = actor.User.OrgID
		f.NoInternal = true
	}
	return List(ctx, s.DB, f)
}

// Versions lists every version of q's quotation the actor may see, oldest
// first.
func (s *Service) Versions(ctx context.Context, actor account.Principal, id int64) ([]*Quote, error) {
	q, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return List(ctx, s.DB, Filter{OrderID: q.OrderID, NoInternal: !s.seesInternal(actor), OldestFirst: true, Limit: 500})
}

// LatestFor is the id of the newest version of the order's quotation the
// actor may see, 0 when none: what the order's quote_id shows.
func (s *Service) LatestFor(ctx context.Context, actor account.Principal, orderID int64) (int64, error) {
	return LatestIDForOrder(ctx, s.DB, orderID, !s.seesInternal(actor))
}

// LatestForMany is LatestFor for a page of orders, in one query.
func (s *Service) LatestForMany(ctx context.Context, actor account.Principal, orderIDs []int64) (map[int64]int64, error) {
	return LatestIDsForOrders(ctx, s.DB, orderIDs, !s.seesInternal(actor))
}

// checkComment trims a comment and enforces the step's need for one.
func checkComment(comment string, st Step) (string, error) {
	c := strings.TrimSpace(comment)
	if st.NeedsComment() && c == "" {
		msg := "Bitte schreiben Sie einen Kommentar."
		switch st {
		case StepReject:
			msg = "Bitte begründen Sie die Ablehnung."
		case StepRevise:
			msg = "Bitte schreiben Sie, was am Angebot geändert werden soll."
		case StepReturn:
			msg = "Bitte schreiben Sie, was am Entwurf zu ändern ist."
		}
		return "", apperr.Fields(msg, apperr.FieldError{Field: "comment", Message: msg})
	}
	if len(c) > maxText {
		return "", apperr.Fields("Der Kommentar ist zu lang.", apperr.FieldError{Field: "comment", Message: fmt.Sprintf("Höchstens %d Zeichen.", maxText)})
	}
	return c, nil
}
