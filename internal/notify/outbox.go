// Package notify delivers the e-mails that tell people what to do next.
// Each e-mail is a job of kind KindMail (internal/job), written in the
// transaction of the step that causes it (Enqueue), so a mail exists
// exactly when its step committed; the job runner sends it afterwards
// (MailHandler), retrying until the mail server has taken it. Steps whose
// recipients are costly to work out (the enforcer asked per candidate)
// enqueue one small step job instead (EnqueueStep); its handler, in the
// domain package, computes the mails and enqueues them (EnqueueOnce).
package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/job"
)

// KindMail is the job kind of one e-mail; its payload is a Message.
const KindMail = "mail"

// Message is one e-mail to one recipient. The JSON names are those of the
// mail jobs' payload (migration 0011 writes them too).
type Message struct {
	Event    string `json:"event"` // what happened, e.g. "order.approve"
	To       string `json:"to"`    // e-mail address
	Subject  string `json:"subject"`
	Body     string `json:"body"` // plain text
	Entity   string `json:"entity"`
	EntityID int64  `json:"entity_id"` // what it is about, e.g. "order" 7
	// Attachments go with the mail (an issued invoice's PDF); the job's
	// payload carries them, so the mail is sent as it was enqueued.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is a file attached to a mail.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"` // base64 in the job's JSON
}

// Row is a mail job with its delivery state, as ForEntity lists it.
type Row struct {
	Message
	JobID     int64
	State     job.State
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time // when the mail server took it
}

// Enqueue writes one mail job per message inside the caller's
// transaction. Messages without a recipient are dropped.
func Enqueue(ctx context.Context, idb bun.IDB, msgs ...Message) error {
	return enqueue(ctx, idb, "", msgs)
}

// EnqueueOnce is Enqueue for a handler that may run twice (a job retried
// after a crash): the i-th message gets the dedupe key key:i:recipient, so
// a second run enqueues nothing new.
func EnqueueOnce(ctx context.Context, idb bun.IDB, key string, msgs ...Message) error {
	return enqueue(ctx, idb, key, msgs)
}

func enqueue(ctx context.Context, idb bun.IDB, key string, msgs []Message) error {
	if err := job.EnqueueAll(ctx, idb, KindMail, specsOf(key, msgs)...); err != nil {
		return fmt.Errorf("enqueue notification: %w", err)
	}
	return nil
}

// SendOnce is EnqueueOnce for the handler of a step job (step, claimed by
// a Runner) that has a sender at hand: the mails are sent at once through
// sender under the step job's claim and then written as mail jobs,
// each as it ended (job.RunClaimed), instead of waiting for a runner to
// claim and finish each (issue 15). A mail the sender refuses is written
// pending and retried like any; a crash before the mails were written
// sends them again with the step job's next attempt (at least once, as
// MailHandler). Without a sender it is EnqueueOnce.
func SendOnce(ctx context.Context, idb bun.IDB, sender Sender, now time.Time, step *job.Job, key string, msgs ...Message) error {
	if sender == nil {
		return EnqueueOnce(ctx, idb, key, msgs...)
	}
	if err := job.RunClaimed(ctx, idb, now, step, KindMail, MailHandler(sender), specsOf(key, msgs)...); err != nil {
		return fmt.Errorf("send notification: %w", err)
	}
	return nil
}

// specsOf makes the mail jobs of msgs, with key (when set) their dedupe
// keys key:i:recipient; messages without a recipient are dropped.
func specsOf(key string, msgs []Message) []job.Spec {
	specs := make([]job.Spec, 0, len(msgs))
	for i, m := range msgs {
		if m.To == "" {
			continue
		}
		opts := []job.Option{job.About(m.Entity, m.EntityID)}
		if key != "" {
			opts = append(opts, job.Dedupe(fmt.Sprintf("%s:%d:%s", key, i, m.To)))
		}
		specs = append(specs, job.Spec{Payload: m, Options: opts})
	}
	return specs
}

// ForEntity lists the mails about an entity, sent or not, oldest first
// (for tests and the admin's view).
func ForEntity(ctx context.Context, idb bun.IDB, entity string, id int64) ([]Row, error) {
	jobs, err := job.ForEntity(ctx, idb, KindMail, entity, id, false)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(jobs))
	for _, j := range jobs {
		r := Row{JobID: j.ID, State: j.State, Attempts: j.Attempts, LastError: j.LastError, CreatedAt: j.CreatedAt}
		if err := j.Decode(&r.Message); err != nil {
			return nil, err
		}
		if j.State == job.StateDone {
			r.SentAt = j.DoneAt
		}
		out = append(out, r)
	}
	return out, nil
}
