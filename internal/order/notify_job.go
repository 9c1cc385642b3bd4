package order

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/job"
	"coopshop/internal/notify"
)

// enqueueNotify writes the step job of a step on o (whose Version is the
// one after the step) in the step's transaction: who hears of the step is
// worked out by NotifyJob after the commit, not in the request.
func enqueueNotify(ctx context.Context, r *run, st Step) error {
	var actorID int64
	if r.actor.User != nil {
		actorID = r.actor.User.ID
	}
	return notify.EnqueueStep(ctx, r.tx, notify.StepEvent{Entity: "order", ID: r.order.ID, Step: string(st),
		ActorID: actorID, Comment: r.comment, Version: r.order.Version})
}

// NotifyJob is the handler of the order step jobs (notify.StepKind
// ("order")): it loads the order, works out the recipients of the step –
// the enforcer asked per candidate – and sends the mails (mailsAfter,
// texts unchanged) through Mail at once, or enqueues them without it. An order that changed again since the step gets no
// mails for it: they would describe a state that is gone, and the later
// step has its own job. The job is then skipped (job.Skip), which the
// runner counts apart from work done: many skips mean the queue lags.
func (s *Service) NotifyJob(ctx context.Context, j *job.Job) error {
	var ev notify.StepEvent
	if err := j.Decode(&ev); err != nil {
		return err
	}
	o, err := load(ctx, s.DB, ev.ID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return job.Permanent(err)
	}
	if err != nil {
		return err
	}
	if o.Version != ev.Version {
		return job.Skip("the order changed again since the step; the later step's job tells of it")
	}
	var actor account.Principal
	switch ev.ActorID {
	case 0: // the system
	case o.RequesterID: // the order was read with the requester's name
		actor.User = &account.User{ID: o.RequesterID, OrgID: o.OrgID, Name: o.RequesterName, Email: o.RequesterEmail}
	default:
		if actor.User = deciderOf(o, ev.ActorID); actor.User == nil {
			if actor.User, err = account.GetUser(ctx, s.DB, ev.ActorID); err != nil {
				return err
			}
		}
	}
	mails, err := s.mailsAfter(ctx, s.DB, o, Step(ev.Step), actor, ev.Comment)
	if err != nil {
		return err
	}
	return notify.SendOnce(ctx, s.DB, s.Mail, s.Clock.Now().UTC(), j, fmt.Sprintf("job:%d", j.ID), mails...)
}

// deciderOf is the user who decided a stage of o's current round as the
// stage recorded them (name and address at the time of the decision, as
// the order page shows them), nil when userID decided none.
func deciderOf(o *Order, userID int64) *account.User {
	for _, st := range o.RoundStages() {
		if st.DecidedBy != nil && *st.DecidedBy == userID {
			return &account.User{ID: userID, Name: st.DecidedByName, Email: st.DecidedByEmail}
		}
	}
	return nil
}
