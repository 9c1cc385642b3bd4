package order

import (
	"context"
	"fmt"
	"strings"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// maxComment bounds comments of decisions.
const maxComment = 2000

func checkComment(comment string, required bool, why string) (string, error) {
	c := strings.TrimSpace(comment)
	if required && c == "" {
		return "", apperr.Fields(why, apperr.FieldError{Field: "comment", Message: why})
	}
	if len(c) > maxComment {
		return "", apperr.Fields("Der Kommentar ist zu lang.", apperr.FieldError{Field: "comment", Message: fmt.Sprintf("Höchstens %d Zeichen.", maxComment)})
	}
	return c, nil
}

// decide records the actor's decision on the open stage. The stage row is
// updated only while pending, so a stage is decided once.
func decide(ctx context.Context, r *run, state string) (*Stage, error) {
	stage := r.order.OpenStage()
	if stage == nil {
		return nil, apperr.New(apperr.Conflict, "Bei dieser Bestellung ist keine Genehmigungsstufe offen.")
	}
	uid := r.actor.User.ID
	var behalf *int64
	behalfName := ""
	if p := r.actor.OnBehalfOf; p != nil {
		// The Vertretung is checked again in the step's transaction: a
		// period ended meanwhile decides nothing.
		ok, err := account.ActiveDeputy(ctx, r.tx, p.ID, uid, calendar.Of(r.now))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.New(apperr.Forbidden, "Ihre Vertretung für %s gilt heute nicht.", p.Name)
		}
		behalf, behalfName = &p.ID, p.Name
		r.detail["on_behalf_of"] = map[string]any{"id": p.ID, "name": p.Name}
	}
	res, err := r.tx.NewUpdate().Model(stage).
		Set("state = ?, decided_by = ?, decided_by_name = ?, decided_by_email = ?, decided_at = ?, comment = ?",
			state, uid, r.actor.User.Name, r.actor.User.Email, r.now, r.comment).
		Set("on_behalf_of = ?, on_behalf_of_name = ?", behalf, behalfName).
		Where("id = ? AND state = ?", stage.ID, StagePending).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("decide stage: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, stale(r.order)
	}
	now := r.now
	stage.State, stage.DecidedBy, stage.DecidedByName, stage.DecidedByEmail, stage.DecidedAt, stage.Comment =
		state, &uid, r.actor.User.Name, r.actor.User.Email, &now, r.comment
	stage.OnBehalfOf, stage.OnBehalfOfName = behalf, behalfName
	r.detail["stage"] = stage.StageNo
	r.detail["role"] = stage.Role
	return stage, nil
}

// Approve approves the open stage. The enforcer decides who may: the
// stage's role, within the personal limit, not the requester, not someone
// who approved an earlier stage. After the last stage the order is
// approved and goes to sales.
func (s *Service) Approve(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Order, error) {
	c, err := checkComment(comment, false, "")
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepApprove, func(ctx context.Context, r *run) (State, error) {
		r.comment = c
		stage, err := decide(ctx, r, StageApproved)
		if err != nil {
			return "", err
		}
		if stage.StageNo < len(r.order.RoundStages()) {
			r.order.CurrentStage = stage.StageNo + 1
			return StateSubmitted, nil
		}
		r.order.CurrentStage = 0
		return StateApproved, nil
	})
}

// Reject ends the order at the open stage; the comment says why. Reserved
// quotas are given back.
func (s *Service) Reject(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Order, error) {
	c, err := checkComment(comment, true, "Bitte begründen Sie die Ablehnung.")
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepReject, func(ctx context.Context, r *run) (State, error) {
		r.comment = c
		if _, err := decide(ctx, r, StageRejected); err != nil {
			return "", err
		}
		return StateRejected, release(ctx, r.tx, r.order)
	})
}

// Return sends the order back to the purchaser for changes; the comment
// says what to change. Quotas are given back until it is submitted again,
// when prices, quotas and the whole approval chain start afresh.
func (s *Service) Return(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Order, error) {
	c, err := checkComment(comment, true, "Bitte schreiben Sie, was geändert werden soll.")
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepReturn, func(ctx context.Context, r *run) (State, error) {
		r.comment = c
		if _, err := decide(ctx, r, StageReturned); err != nil {
			return "", err
		}
		return StateReturned, release(ctx, r.tx, r.order)
	})
}

// Withdraw lets the requester take their order back before the provider
// confirmed it; reserved quotas are given back.
func (s *Service) Withdraw(ctx context.Context, actor account.Principal, id, version int64, comment string) (*Order, error) {
	c, err := checkComment(comment, false, "")
	if err != nil {
		return nil, err
	}
	return s.step(ctx, actor, id, version, StepWithdraw, func(ctx context.Context, r *run) (State, error) {
		r.comment = c
		r.order.CurrentStage = 0
		return StateWithdrawn, release(ctx, r.tx, r.order)
	})
}

// acting chooses under which principal actor decides the open stage of
// o (the step engine's Acting, asked on the locked order): as themselves
// when the enforcer allows it, otherwise as the deputy of the first
// principal they stand in for today whose role and limit the open stage
// allows (DESIGN §3, Vertretung). When none is allowed, or for any other
// step, actor itself goes on, so that the step explains the refusal.
func (s *Service) acting(actor account.Principal, st Step, o *Order) account.Principal {
	if st != StepApprove && st != StepReject && st != StepReturn {
		return actor
	}
	if len(actor.Deputies) == 0 || actor.User == nil {
		return actor
	}
	for _, p := range actor.Acting() {
		if s.Authz.Allowed(p.Subject, st.Action(), o.Object()) {
			return p
		}
	}
	return actor
}
