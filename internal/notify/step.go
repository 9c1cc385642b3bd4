package notify

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/job"
)

// StepEvent is the payload of a step job: what a step did, small enough to
// write in the step's transaction. Its handler (order.Service.NotifyJob,
// quote.Service.NotifyJob) loads the entity, works out who must hear of it
// – asking the enforcer per candidate, which is too costly for the request
// – and enqueues the mails.
type StepEvent struct {
	Entity  string `json:"entity"` // "order", "quote"
	ID      int64  `json:"id"`
	Step    string `json:"step"`     // "approve"
	ActorID int64  `json:"actor_id"` // 0: the system (an expiry)
	Comment string `json:"comment,omitempty"`
	// Version is the entity's version after the step: a handler that finds
	// the entity changed since knows the step was overtaken.
	Version int64 `json:"version"`
}

// StepKind is the job kind of the step jobs about entity: "notify.order".
func StepKind(entity string) string { return "notify." + entity }

// EnqueueStep writes the step job of ev inside the step's transaction
// (once per entity version).
func EnqueueStep(ctx context.Context, idb bun.IDB, ev StepEvent) error {
	key := fmt.Sprintf("%s:%s:%d:%d", StepKind(ev.Entity), ev.Step, ev.ID, ev.Version)
	return job.Enqueue(ctx, idb, StepKind(ev.Entity), ev, job.About(ev.Entity, ev.ID), job.Dedupe(key))
}

// Register adds the mail handler to a job runner: mails go out through
// sender.
func Register(r *job.Runner, sender Sender) {
	r.Handle(KindMail, MailHandler(sender))
}
