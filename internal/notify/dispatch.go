package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
)

// Sender hands one message to the mail system.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Dispatcher sends what the outbox holds. Several processes may run one
// each: a batch is claimed by pushing its due time forward by Lease
// (on PostgreSQL with FOR UPDATE SKIP LOCKED, so claims never collide);
// a sent message is marked sent, a failed one is due again after a
// growing backoff. A process that dies mid-batch leaves its messages due
// again once the lease ends, so no step's notification is lost (at least
// once; a crash between sending and marking can repeat a mail).
type Dispatcher struct {
	DB     *bun.DB
	Sender Sender
	Log    *slog.Logger
	// Batch is how many messages one round claims (default 20).
	Batch int
	// Lease is how long a claimed message is left alone (default 5 min).
	Lease time.Duration
	// Interval between rounds when the outbox is empty (default 5 s).
	Interval time.Duration
	// Now is time.Now, replaceable in tests.
	Now func() time.Time
}

// Backoff is the wait before attempt n+1 after n failed attempts: 30 s,
// 1, 2, 4 … minutes, at most one hour.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

// claim takes up to Batch due messages and pushes their due time forward
// by the lease, in one statement.
func (d *Dispatcher) claim(ctx context.Context) ([]Row, error) {
	batch, lease := d.Batch, d.Lease
	if batch <= 0 {
		batch = 20
	}
	if lease <= 0 {
		lease = 5 * time.Minute
	}
	now := d.now()
	lock := ""
	if db.IsPostgres(d.DB) {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var rows []Row
	err := d.DB.NewRaw(`UPDATE outbox SET due_at = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`+lock+`)
		RETURNING id, event, recipient, subject, body, entity, entity_id, created_at, due_at, attempts, last_error, sent_at`,
		now.Add(lease), now, batch).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return rows, nil
}

// RunOnce sends one batch of due messages and reports how many went out
// and how many failed.
func (d *Dispatcher) RunOnce(ctx context.Context) (sent, failed int, err error) {
	rows, err := d.claim(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, r := range rows {
		if err := d.Sender.Send(ctx, r.Message()); err != nil {
			failed++
			next := d.now().Add(Backoff(r.Attempts))
			msg := err.Error()
			if len(msg) > 1000 {
				msg = msg[:1000]
			}
			if _, uerr := d.DB.NewUpdate().Model((*Row)(nil)).Set("due_at = ?, last_error = ?", next, msg).Where("id = ?", r.ID).Exec(ctx); uerr != nil {
				return sent, failed, fmt.Errorf("outbox retry: %w", uerr)
			}
			d.log().Warn("notification failed, will retry", "id", r.ID, "to", r.Recipient, "attempt", r.Attempts, "retry_at", next, "err", err)
			continue
		}
		if _, err := d.DB.NewUpdate().Model((*Row)(nil)).Set("sent_at = ?, last_error = ''", d.now()).Where("id = ?", r.ID).Exec(ctx); err != nil {
			return sent, failed, fmt.Errorf("outbox sent: %w", err)
		}
		sent++
	}
	return sent, failed, nil
}

// Run sends until ctx ends: batch after batch while there is work, then a
// pause of Interval.
func (d *Dispatcher) Run(ctx context.Context) {
	interval := d.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	for {
		sent, failed, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log().Error("outbox", "err", err)
		}
		if err == nil && sent+failed > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func (d *Dispatcher) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

// LogSender writes messages to the log instead of mailing them, for the
// demo and development (no SMTP_URL).
type LogSender struct{ Log *slog.Logger }

// Send logs the message.
func (s LogSender) Send(ctx context.Context, m Message) error {
	l := s.Log
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "mail (no SMTP_URL set)", "to", m.To, "subject", m.Subject, "event", m.Event)
	return nil
}
