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
