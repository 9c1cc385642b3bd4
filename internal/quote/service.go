package quote

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/money"
	"coopshop/internal/notify"
	"coopshop/internal/workflow"
)

// Service is the quotation use cases.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// BaseURL prefixes the links in notification mails; empty leaves them
	// relative.
	BaseURL string
	// Clock tells now and today (the day validity is judged by).
	Clock clock.Clock
	// Mail, when set, sends the mails of a step from the step's job at
	// once (notify.SendOnce); without it they are enqueued for the
	// runner (internal/app sets it).
	Mail notify.Sender

	flow *workflow.Kind[*Quote, Step, State]
}

// NewService wires the quotation service on the system clock. The steps
// that also change the order live in internal/sales.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	s := &Service{DB: bdb, Authz: az, Clock: clock.System()}
	s.flow = &workflow.Kind[*Quote, Step, State]{
		Entity: "quote", Table: "quotes", Model: (*Quote)(nil), Machine: machine,
		Now:  func() time.Time { return s.Clock.Now().UTC() },
		Load: load,
		Head: func(q *Quote) workflow.Head[State] {
			return workflow.Head[State]{ID: q.ID, OrgID: q.OrgID, Version: q.Version, State: q.State}
		},
		SetHead: func(q *Quote, version int64, st State, now time.Time) {
			q.Version, q.State, q.UpdatedAt = version, st, now
		},
		Visible:   s.visible,
		Authorize: s.authorize,
		Stale:     stale,
		WrongState: func(st Step, q *Quote) error {
			if st == StepAccept && q.State == StateExpired {
				return expiredMessage(q)
			}
			return apperr.New(apperr.Conflict, "%s", wrongState(st, q))
		},
		Columns: func(u *bun.UpdateQuery, q *Quote) *bun.UpdateQuery {
			return u.Set("valid_until = ?, payment_terms = ?, delivery_terms = ?, note = ?", q.ValidUntil, q.PaymentTerms, q.DeliveryTerms, q.Note).
				Set("net_cents = ?, vat_cents = ?, gross_cents = ?, needs_approval = ?", q.NetCents, q.VATCents, q.GrossCents, q.NeedsApproval).
				Set("submitted_by = ?, submitted_at = ?", q.SubmittedBy, q.SubmittedAt).
				Set("approved_by = ?, approved_at = ?", q.ApprovedBy, q.ApprovedAt).
				Set("sent_by = ?, sent_at = ?", q.SentBy, q.SentAt).
				Set("answered_by = ?, answered_at = ?, answer_comment = ?", q.AnsweredBy, q.AnsweredAt, q.AnswerComment).
				Set("requester_id = ?, requested_at = ?", q.TakenUpBy, q.TakenUpAt).
				Set("cost_centre = ?, delivery_address = ?, buyer_reference = ?", q.CostCentre, q.DeliveryAddress, q.BuyerReference)
		},
	}
	return s
}

// today is the service clock's day in Berlin.
func (s *Service) today() calendar.Date { return clock.Today(s.Clock) }

func isSystem(actor account.Principal) bool { return actor.User == nil || actor.User.ID == 0 }

// run is one step in progress as the step functions of this package see
// it: the version as loaded in the step's transaction and what the step
// adds to the audit entry and the mails.
type run struct {
	tx      bun.IDB
	actor   account.Principal
	quote   *Quote
	now     time.Time
	today   calendar.Date
	detail  map[string]any
	comment string
	next    *Quote // the version a revision request opened
}

// step executes one transition of the machine on version id in a
// transaction of its own (see stepIn) and returns the version as stored.
// A user names the version they saw: 0 is no "current" (422).
func (s *Service) step(ctx context.Context, actor account.Principal, id, version int64, st Step, fn func(ctx context.Context, r *run) (State, error)) (*Quote, error) {
	if version <= 0 && !isSystem(actor) { // a user names the version seen; 0 is no "current"
		return nil, apperr.MissingVersion()
	}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.stepIn(ctx, tx, workflow.User(actor), id, version, st, fn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// stepIn executes one transition of the machine on version id inside the
// caller's transaction tx, through the step engine (internal/workflow):
//
//  1. lock (PostgreSQL) and load the version; invisible to the actor → 404
//     (members never see internal states);
//  2. the version the actor saw (0: the one loaded) and the state must
//     match → else 409;
//  3. the enforcer must allow the step's action on the version; approving
//     also on behalf of every author of it (four-eyes), accepting as the
//     member's open approval stage (MemberObject) → else 403;
//  4. fn does the step's own checks and changes and names the new state;
//  5. one guarded UPDATE … WHERE id AND version AND state writes the
//     version (0 rows → 409), then the audit entry and the notifications.
//
// The system (the expiry job) skips 1's visibility and 3.
func (s *Service) stepIn(ctx context.Context, tx bun.IDB, by workflow.By, id, version int64, st Step, fn func(ctx context.Context, r *run) (State, error)) (*workflow.Run[*Quote, Step, State], error) {
	var inner *run
	w, err := s.flow.Step(ctx, tx, by, id, version, st, func(ctx context.Context, w *workflow.Run[*Quote, Step, State]) (State, error) {
		inner = &run{tx: w.Tx, actor: w.Actor(), quote: w.Entity, now: w.Now, today: calendar.Of(w.Now), detail: w.Detail}
		to, err := fn(ctx, inner)
		w.Comment = inner.comment
		return to, err
	})
	if err != nil {
		return nil, err
	}
	// The step job carries what the notifications need; who hears of the
	// step is worked out after the commit (NotifyJob).
	if err := enqueueNotify(ctx, inner, st); err != nil {
		return nil, err
	}
	if err := saveAuthors(ctx, tx, inner.quote); err != nil {
		return nil, err
	}
	return w, nil
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
// or submitted it. For accept it asks about the member's open approval
// stage (MemberObject), exactly as an order's approval does.
func (s *Service) authorize(ctx context.Context, actor account.Principal, st Step, q *Quote) error {
	obj := q.Object()
	if st == StepAccept {
		obj = q.MemberObject()
	}
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
	case StepAccept:
		msg := fmt.Sprintf("Sie dürfen das Angebot %s nicht annehmen: Die Annahme ist die Genehmigung des Betrags von %s durch das Mitglied",
			q.DisplayNumber(), money.Format(q.Amounts().ApprovalGrossCents))
		if m := q.OpenMemberStage(); m != nil {
			msg += fmt.Sprintf(" und verlangt für Stufe %d die Rolle „%s“ mit einer Freigabegrenze von mindestens diesem Betrag", m.StageNo, authz.RoleLabel(m.Role))
		}
		return apperr.Wrap(err, apperr.Forbidden, msg+"; die eigene Bestellung und eine zweite Stufe desselben Angebots darf niemand annehmen.")
	case StepReject, StepRevise:
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
	if !st.StartsFrom(q.State) || st.Action() == "" || !projectAllows(q, st) {
		return false
	}
	if st == StepAccept || st == StepApprove {
		for _, p := range actor.Acting() {
			if s.allowedAs(p, q, st) {
				return true
			}
		}
		return false
	}
	return s.allowedAs(actor, q, st)
}

// allowedAs is Allowed for one principal (the user, or the user as
// someone's deputy).
func (s *Service) allowedAs(actor account.Principal, q *Quote, st Step) bool {
	obj := q.Object()
	if st == StepAccept {
		obj = q.MemberObject()
	}
	if !s.Authz.Allowed(actor.Subject, st.Action(), obj) {
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
	return List(ctx, s.DB, Filter{Number: q.Number, NoInternal: !s.seesInternal(actor), OldestFirst: true, Limit: 500})
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

// AuditScope is the visibility of a quote version's audit trail
// (audit.Reader): the provider's staff read all of it; a member reads a
// version only once it was sent, and then only from the sending on –
// nothing of its drafting, discounts or internal approval. A version the
// member may not see (a draft, another member's) and an unknown id are a
// 404, as Get answers.
func (s *Service) AuditScope(ctx context.Context, who authz.Subject, id int64) (audit.Scope, error) {
	actor := account.Principal{Subject: who}
	if _, err := s.Get(ctx, actor, id); err != nil {
		return audit.Scope{}, err
	}
	if s.seesInternal(actor) {
		return audit.Scope{}, nil
	}
	return audit.Scope{From: "quote." + string(StepSend)}, nil
}

// Inbox lists the sent versions of the actor's member whose open approval
// stage the actor may decide (accept), oldest first: the member
// approver's "Zur Genehmigung" besides the orders. Whoever may not accept
// quotations at all (a purchaser) gets none.
func (s *Service) Inbox(ctx context.Context, actor account.Principal) ([]*Quote, error) {
	may := false
	for _, p := range actor.Acting() {
		may = may || s.Authz.Allowed(p.Subject, "accept", authz.On("quote"))
	}
	if !may {
		return nil, nil
	}
	qs, err := List(ctx, s.DB, Filter{OrgID: actor.User.OrgID, States: []State{StateSent}, OldestFirst: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := qs[:0]
	for _, q := range qs {
		if s.Allowed(actor, q, StepAccept) {
			out = append(out, q)
		}
	}
	return out, nil
}

// ApprovalInbox lists the versions waiting for the internal approval that
// the actor may give – in their own name, or as the deputy of a sales lead
// they stand in for today – oldest submission first: the sales lead's
// inbox „Freigaben“ and their to-do list. Whoever may approve nothing gets
// none.
func (s *Service) ApprovalInbox(ctx context.Context, actor account.Principal) ([]*Quote, error) {
	may := false
	for _, p := range actor.Acting() {
		may = may || s.Authz.Allowed(p.Subject, "approve", authz.AcrossOrgs("quote"))
	}
	if !may {
		return nil, nil
	}
	qs, err := s.List(ctx, actor, Filter{States: []State{StateSubmitted}, OldestFirst: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := qs[:0]
	for _, q := range qs {
		if s.Allowed(actor, q, StepApprove) {
			out = append(out, q)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return waitingSince(out[i]).Before(waitingSince(out[j])) })
	return out, nil
}

// waitingSince is when a submitted version started waiting for its approval.
func waitingSince(q *Quote) time.Time {
	if q.SubmittedAt != nil {
		return *q.SubmittedAt
	}
	return q.UpdatedAt
}

// ApprovingFor is the principal on whose behalf the actor would approve q
// (a sales lead they stand in for), nil when in their own name or not at
// all.
func (s *Service) ApprovingFor(actor account.Principal, q *Quote) *account.User {
	if !StepApprove.StartsFrom(q.State) || s.allowedAs(actor, q, StepApprove) {
		return nil
	}
	for _, p := range actor.Deputies {
		if s.allowedAs(p, q, StepApprove) {
			return p.OnBehalfOf
		}
	}
	return nil
}
