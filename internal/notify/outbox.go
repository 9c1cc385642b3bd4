// Package notify delivers the e-mails that tell people what to do next.
// Domain steps write them into the outbox table in their own transaction
// (Enqueue), so a notification exists exactly when its step was committed;
// the Dispatcher sends them afterwards, retrying until the mail server has
// taken each one.
package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Message is one e-mail to one recipient.
type Message struct {
	Event    string // what happened, e.g. "order.approve"
	To       string // e-mail address
	Subject  string
	Body     string // plain text
	Entity   string // what it is about, e.g. "order"
	EntityID int64
}

// Row is a message in the outbox with its delivery state.
type Row struct {
	bun.BaseModel `bun:"table:outbox,alias:ob"`

	ID        int64      `bun:"id,pk,autoincrement"`
	Event     string     `bun:"event"`
	Recipient string     `bun:"recipient"`
	Subject   string     `bun:"subject"`
	Body      string     `bun:"body"`
	Entity    string     `bun:"entity"`
	EntityID  int64      `bun:"entity_id"`
	CreatedAt time.Time  `bun:"created_at"`
	DueAt     time.Time  `bun:"due_at"`
	Attempts  int        `bun:"attempts"`
	LastError string     `bun:"last_error"`
	SentAt    *time.Time `bun:"sent_at"`
}

// Message returns the row's message.
func (r *Row) Message() Message {
	return Message{Event: r.Event, To: r.Recipient, Subject: r.Subject, Body: r.Body, Entity: r.Entity, EntityID: r.EntityID}
}

// Enqueue writes messages into the outbox inside the caller's transaction.
// Messages without a recipient are dropped.
func Enqueue(ctx context.Context, idb bun.IDB, msgs ...Message) error {
	now := time.Now().UTC()
	rows := make([]Row, 0, len(msgs))
	for _, m := range msgs {
		if m.To == "" {
			continue
		}
		rows = append(rows, Row{Event: m.Event, Recipient: m.To, Subject: m.Subject, Body: m.Body,
			Entity: m.Entity, EntityID: m.EntityID, CreatedAt: now, DueAt: now})
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("enqueue notifications: %w", err)
	}
	return nil
}

// ForEntity lists the messages about an entity, sent or not, oldest first
// (for tests and the admin's view).
func ForEntity(ctx context.Context, idb bun.IDB, entity string, id int64) ([]Row, error) {
	var out []Row
	err := idb.NewSelect().Model(&out).Where("entity = ? AND entity_id = ?", entity, id).OrderExpr("id").Scan(ctx)
	return out, err
}
