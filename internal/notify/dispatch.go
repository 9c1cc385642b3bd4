package notify

import (
	"context"
	"log/slog"

	"coopshop/internal/job"
)

// Sender hands one message to the mail system.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// MailHandler is the job handler of KindMail: it sends the job's message
// through sender. A failure is retried by the runner with its backoff; a
// crash between sending and marking the job done can repeat a mail (at
// least once).
func MailHandler(sender Sender) job.Handler {
	return func(ctx context.Context, j *job.Job) error {
		var m Message
		if err := j.Decode(&m); err != nil {
			return err
		}
		return sender.Send(ctx, m)
	}
}

// LogSender keeps messages instead of mailing them, for the demo and
// development (no SMTP_URL): the mail job ends done, admin reads it on
// the outbox page (Outbox), and the log gets a debug line only, so that
// the start-up output (address, logins) is not buried under one line per
// mail; `serve` says once where the mails are.
type LogSender struct{ Log *slog.Logger }

// Send logs the message at debug level.
func (s LogSender) Send(ctx context.Context, m Message) error {
	l := s.Log
	if l == nil {
		l = slog.Default()
	}
	l.DebugContext(ctx, "mail kept, not sent (no SMTP_URL set)", "to", m.To, "subject", m.Subject, "event", m.Event)
	return nil
}
