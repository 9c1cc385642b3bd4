package quote

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/job"
	"coopshop/internal/notify"
)

// enqueueNotify writes the step job of a step on r.quote (whose Version is
// the one after the step) in the step's transaction: who hears of it is
// worked out by NotifyJob after the commit, not in the request.
func enqueueNotify(ctx context.Context, r *run, st Step) error {
	var actorID int64
	if !isSystem(r.actor) {
		actorID = r.actor.User.ID
	}
	return notify.EnqueueStep(ctx, r.tx, notify.StepEvent{Entity: "quote", ID: r.quote.ID, Step: string(st),
		ActorID: actorID, Comment: r.comment, Version: r.quote.Version})
}

// NotifyJob is the handler of the quote step jobs (notify.StepKind
// ("quote")): it loads the version, works out the recipients of the step
// – the enforcer asked per candidate – and sends the mails (mailsAfter,
// texts unchanged) through Mail at once, or enqueues them without it. A version that changed again since the step gets no
// mails for it: the later step has its own job. The job is then skipped
// (job.Skip), which the runner counts apart from work done.
func (s *Service) NotifyJob(ctx context.Context, j *job.Job) error {
	var ev notify.StepEvent
	if err := j.Decode(&ev); err != nil {
		return err
	}
	q, err := load(ctx, s.DB, ev.ID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return job.Permanent(err)
	}
	if err != nil {
		return err
	}
	if q.Version != ev.Version {
		return job.Skip("the quotation changed again since the step; the later step's job tells of it")
	}
	r := &run{quote: q, comment: ev.Comment, actor: account.Principal{}}
	if ev.ActorID != 0 {
		u, err := account.GetUser(ctx, s.DB, ev.ActorID)
		if err != nil {
			return err
		}
		r.actor = account.Principal{User: u}
	}
	if Step(ev.Step) == StepRevise {
		// The version the revision request opened.
		versions, err := List(ctx, s.DB, Filter{Number: q.Number, OldestFirst: true, Limit: 500})
		if err != nil {
			return err
		}
		for _, v := range versions {
			if v.VersionNo == q.VersionNo+1 {
				r.next = v
			}
		}
	}
	mails, err := s.mailsAfter(ctx, s.DB, r, Step(ev.Step))
	if err != nil {
		return err
	}
	return notify.SendOnce(ctx, s.DB, s.Mail, s.Clock.Now().UTC(), j, fmt.Sprintf("job:%d", j.ID), mails...)
}
