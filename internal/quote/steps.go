package quote

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/document"
	"coopshop/internal/order"
	"coopshop/internal/workflow"
)

// Submit finishes a draft. A version that needs the sales lead's approval
// (a discount above 10 %, a gross total above 50.000 €) waits for it;
// any other is approved at once and can be sent.
func (s *Service) Submit(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Quote, error) {
	c, err := checkComment(comment, StepSubmit)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepSubmit, func(ctx context.Context, r *run) (State, error) {
		q := r.quote
		var fe []apperr.FieldError
		for i, l := range q.Lines {
			if !l.Free() && l.UnitPriceCents == 0 {
				fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].unit_price_cents", i),
					Message: fmt.Sprintf("Position %d („%s“): Der Einzelpreis fehlt noch.", i+1, l.Description)})
			}
		}
		if q.ValidUntil.Before(r.today) {
			fe = append(fe, apperr.FieldError{Field: "valid_until", Message: "Das Gültigkeitsdatum liegt in der Vergangenheit."})
		}
		if fe != nil {
			return "", apperr.Fields("Das Angebot ist noch nicht vollständig.", fe...)
		}
		r.comment = c
		uid, now := r.actor.User.ID, r.now
		q.SubmittedBy, q.SubmittedAt = &uid, &now
		q.ApprovedBy, q.ApprovedAt = nil, nil
		q.addAuthor(uid)
		q.setTotals()
		reasons := q.ApprovalReasons()
		r.detail["gross_cents"] = q.GrossCents
		r.detail["needs_approval"] = q.NeedsApproval
		if q.NeedsApproval {
			r.detail["reasons"] = reasons
			return StateSubmitted, nil
		}
		return StateApproved, nil
	})
}

// Approve is the sales lead's approval of a submitted version. The
// enforcer refuses everyone who drafted, changed or submitted it.
func (s *Service) Approve(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Quote, error) {
	c, err := checkComment(comment, StepApprove)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, s.acting(ctx, s.DB, actor, id, StepApprove), id, version, StepApprove, func(ctx context.Context, r *run) (State, error) {
		r.comment = c
		if _, _, err := onBehalf(ctx, r); err != nil {
			return "", err
		}
		uid, now := r.actor.User.ID, r.now
		r.quote.ApprovedBy, r.quote.ApprovedAt = &uid, &now
		return StateApproved, nil
	})
}

// Return takes a submitted or approved version back into a draft before it
// is sent: the sales lead declines to approve, or sales wants to change
// it; the comment says what.
func (s *Service) Return(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Quote, error) {
	c, err := checkComment(comment, StepReturn)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepReturn, func(ctx context.Context, r *run) (State, error) {
		r.comment = c
		q := r.quote
		q.SubmittedBy, q.SubmittedAt, q.ApprovedBy, q.ApprovedAt = nil, nil, nil, nil
		return StateDraft, nil
	})
}

// Send issues the version to the member: its PDF, dated today, is issued
// in the same transaction and rendered and stored with its SHA-256 right
// after it (document.IssueLater); from then on every download serves
// those bytes.
func (s *Service) Send(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Quote, error) {
	c, err := checkComment(comment, StepSend)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepSend, func(ctx context.Context, r *run) (State, error) {
		q := r.quote
		if q.ValidUntil.Before(r.today) {
			return "", apperr.New(apperr.Conflict, "Die Gültigkeit des Angebots %s endete am %s. Bitte nehmen Sie es zurück in Bearbeitung und passen Sie das Datum an.",
				q.DisplayNumber(), q.ValidUntil.German())
		}
		if err := orderStillQuoting(ctx, r, "versendet"); err != nil {
			return "", err
		}
		if q.NeedsApproval && q.ApprovedBy == nil {
			return "", apperr.New(apperr.Conflict, "Das Angebot %s braucht die Freigabe der Vertriebsleitung.", q.DisplayNumber())
		}
		r.comment = c
		uid, now := r.actor.User.ID, r.now
		q.SentBy, q.SentAt = &uid, &now
		q.SenderName = r.actor.User.Name
		d, err := s.Document(ctx, r.tx, q)
		if err != nil {
			return "", err
		}
		d.Draft = false // it is being sent right now
		// Rendered and stored after the commit (or by the first download).
		if err := document.IssueLater(ctx, r.tx, document.Ref{Entity: DocumentEntity, EntityID: q.ID, Version: int64(q.VersionNo), OrgID: q.OrgID}, d); err != nil {
			return "", err
		}
		r.detail["gross_cents"] = q.GrossCents
		r.detail["approval_gross_cents"] = q.Amounts().ApprovalGrossCents
		r.detail["valid_until"] = q.ValidUntil.String()
		// The member's approval stages are frozen as the version goes out.
		if q.MemberStages, err = planMemberStages(ctx, r.tx, q); err != nil {
			return "", err
		}
		if err := insertMemberStages(ctx, r.tx, q); err != nil {
			return "", err
		}
		r.detail["member_stages"] = len(q.MemberStages)
		return StateSent, nil
	})
}

// ExpiredError is the answer of Accept for a version past its validity:
// the caller rolls the acceptance back, lets the version expire (Expire)
// and answers Conflict().
type ExpiredError struct{ Quote *Quote }

func (e *ExpiredError) Error() string { return "quote " + e.Quote.DisplayNumber() + " expired" }

// Conflict is the German conflict that says since when the version
// expired.
func (e *ExpiredError) Conflict() error { return expiredMessage(e.Quote) }

func expiredMessage(q *Quote) error {
	return apperr.New(apperr.Conflict, "Das Angebot ist seit dem %s abgelaufen (gültig bis %s) und kann nicht mehr angenommen werden. Bitte wenden Sie sich an den Vertrieb der KID.",
		q.ValidUntil.AddDays(1).German(), q.ValidUntil.German())
}

// Accept decides one stage of the member's approval of a sent version
// inside the caller's transaction tx (internal/sales): the enforcer lets
// only whoever may decide the open stage accept (its role, within the
// personal limit, not the order's requester, not whoever decided an
// earlier stage). Until the last stage the version stays sent; with it
// the version is accepted, and the returned Permit ("quote.accept")
// authorizes the order's confirmation at the quoted prices in the same
// transaction. A version past its validity answers *ExpiredError.
func (s *Service) Accept(ctx context.Context, tx bun.IDB, actor account.Principal, id, version int64, comment string) (*Quote, workflow.Permit, error) {
	c, err := checkComment(comment, StepAccept)
	if err != nil {
		return nil, workflow.Permit{}, err
	}
	w, err := s.stepIn(ctx, tx, workflow.User(s.acting(ctx, tx, actor, id, StepAccept)), id, version, StepAccept, func(ctx context.Context, r *run) (State, error) {
		q := r.quote
		if q.ExpiredOn(r.today) {
			return "", &ExpiredError{q}
		}
		if !projectAllows(q, StepAccept) {
			return "", apperr.New(apperr.Conflict, "Das Projektangebot %s muss zuerst von einem Besteller übernommen werden („Angebot annehmen und bestellen“: Kostenstelle, Lieferadresse, Bestellzeichen).", q.DisplayNumber())
		}
		r.comment = c
		stage, last, err := decideMemberStage(ctx, r)
		if err != nil {
			return "", err
		}
		r.detail["gross_cents"] = q.GrossCents
		r.detail["approval_gross_cents"] = q.Amounts().ApprovalGrossCents
		if stage != nil {
			r.detail["stage"] = stage.StageNo
			r.detail["role"] = stage.Role
		}
		if !last {
			return StateSent, nil
		}
		answer(r)
		return StateAccepted, nil
	})
	if err != nil {
		return nil, workflow.Permit{}, err
	}
	return w.Entity, w.Permit, nil
}

// Reject is the member's rejection with a reason, inside the caller's
// transaction tx: the returned Permit ("quote.reject") lets internal/sales
// close the order in the same transaction.
func (s *Service) Reject(ctx context.Context, tx bun.IDB, actor account.Principal, id, version int64, comment string) (*Quote, workflow.Permit, error) {
	c, err := checkComment(comment, StepReject)
	if err != nil {
		return nil, workflow.Permit{}, err
	}
	w, err := s.stepIn(ctx, tx, workflow.User(actor), id, version, StepReject, func(ctx context.Context, r *run) (State, error) {
		r.comment = c
		answer(r)
		return StateRejected, nil
	})
	if err != nil {
		return nil, workflow.Permit{}, err
	}
	return w.Entity, w.Permit, nil
}

// Expire lets one sent version past its validity expire, as the system,
// inside the caller's transaction tx; version is the one the expiry job
// loaded.
func (s *Service) Expire(ctx context.Context, tx bun.IDB, id, version int64) (*Quote, error) {
	w, err := s.stepIn(ctx, tx, workflow.System(), id, version, StepExpire, func(ctx context.Context, r *run) (State, error) {
		q := r.quote
		if !q.ExpiredOn(r.today) {
			return "", apperr.New(apperr.Conflict, "Das Angebot %s gilt noch bis %s.", q.DisplayNumber(), q.ValidUntil.German())
		}
		r.detail["valid_until"] = q.ValidUntil.String()
		return StateExpired, nil
	})
	if err != nil {
		return nil, err
	}
	return w.Entity, nil
}

// Revise is the member's request for changes: the version is answered
// and the next version opens as a draft copy for sales to rework; this one
// stays readable and never changes again.
func (s *Service) Revise(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Quote, error) {
	c, err := checkComment(comment, StepRevise)
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepRevise, func(ctx context.Context, r *run) (State, error) {
		if err := orderStillQuoting(ctx, r, "überarbeitet"); err != nil {
			return "", err
		}
		r.comment = c
		answer(r)
		next, err := nextVersion(ctx, r.tx, r.actor, r.quote, r)
		if err != nil {
			return "", err
		}
		r.next = next
		r.detail["next_id"] = next.ID
		r.detail["next_version_no"] = next.VersionNo
		return StateRevision, nil
	})
}

// answer records the member's answer on the version.
func answer(r *run) {
	uid, now := r.actor.User.ID, r.now
	r.quote.AnsweredBy, r.quote.AnsweredAt, r.quote.AnswerComment = &uid, &now, r.comment
	r.quote.AnswererName = r.actor.User.Name
}

// Quoted is the accepted version as the order takes it over (order.
// ConfirmQuoted): its lines, totals and what the order confirmation
// prints, accepted at by the named member user.
func (q *Quote) Quoted(at time.Time, by string) (quoted order.Quoted, err error) {
	quoted.QuoteID, quoted.Number, quoted.Totals = q.ID, q.DisplayNumber(), q.Totals()
	for _, l := range q.Lines {
		if l.Free() {
			quoted.FreeLines = append(quoted.FreeLines, order.QuotedFreeLine{Description: l.Description, Quantity: l.Quantity,
				Unit: l.Unit, UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, NetCents: l.NetCents})
			continue
		}
		quoted.Lines = append(quoted.Lines, order.QuotedLine{ProductID: *l.ProductID, Quantity: l.Quantity,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, NetCents: l.NetCents})
	}
	sent := ""
	if q.SentAt != nil {
		sent = " vom " + q.DocumentDate().German()
	}
	accepted := calendar.Of(at).German()
	if by != "" {
		accepted += " von " + by
	}
	quoted.Confirmation.Lines = documentLines(q)
	quoted.Confirmation.Terms = terms(q)
	quoted.Confirmation.Reference = fmt.Sprintf("Angebot %s%s", q.DisplayNumber(), sent)
	quoted.Confirmation.Meta = [][2]string{{"Angenommen", accepted}}
	quoted.Confirmation.Handler = q.SenderName
	quoted.Confirmation.Intro = "Sehr geehrte Damen und Herren,\nvielen Dank für die Annahme unseres Angebots. Wir bestätigen Ihnen den Auftrag zu den folgenden Positionen und Preisen:"
	if n := len(q.ApprovalReasons()); n > 0 && q.ApprovedBy == nil {
		// Cannot happen through the machine; a guard against data edited
		// by hand.
		return quoted, fmt.Errorf("quote %s needs approval but was not approved", q.DisplayNumber())
	}
	return quoted, nil
}

// terms are the version's terms as printed.
func terms(q *Quote) []string {
	var out []string
	if t := strings.TrimSpace(q.PaymentTerms); t != "" {
		out = append(out, "Zahlungsbedingungen: "+t)
	}
	if t := strings.TrimSpace(q.DeliveryTerms); t != "" {
		out = append(out, "Lieferbedingungen: "+t)
	}
	return out
}

// orderStillQuoting refuses a step on a version whose order left the
// quoting state meanwhile (the member withdrew it): what would be done
// ("versendet") can no longer be.
func orderStillQuoting(ctx context.Context, r *run, what string) error {
	if r.quote.Project {
		return nil // no order waits for a project quotation
	}
	number, st, err := order.StateOf(ctx, r.tx, r.quote.OrderID)
	if err != nil {
		return err
	}
	if st != order.StateQuoting {
		return apperr.New(apperr.Conflict, "Die Bestellung %s ist im Status „%s“; das Angebot %s kann nicht mehr %s werden.",
			number, st.Label(), r.quote.DisplayNumber(), what)
	}
	return nil
}
