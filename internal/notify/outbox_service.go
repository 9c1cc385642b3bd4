package notify

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/job"
)

// Outbox lets admin read the outgoing mails: without SMTP_URL (the demo)
// they are not sent but kept as done mail jobs, and this is where one
// looks at them instead of the log.
type Outbox struct {
	DB    *bun.DB
	Authz *authz.Authorizer
}

// MaxOutbox bounds the list of the outbox page.
const MaxOutbox = 200

// Recent lists the newest mails (at most limit, at most MaxOutbox), sent
// or not, for those the enforcer allows to read mails (admin). It takes
// the acting subject, not an account.Principal: account sends its
// invitation mails through this package.
func (o *Outbox) Recent(ctx context.Context, actor authz.Subject, limit int) ([]Row, error) {
	if err := o.Authz.Can(ctx, actor, authz.MailRead.Action, authz.MailRead.On()); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxOutbox {
		limit = MaxOutbox
	}
	var jobs []*job.Job
	if err := o.DB.NewSelect().Model(&jobs).Where("kind = ?", KindMail).OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	out := make([]Row, 0, len(jobs))
	for _, j := range jobs {
		r := Row{JobID: j.ID, State: j.State, Attempts: j.Attempts, LastError: j.LastError, CreatedAt: j.CreatedAt}
		if err := j.Decode(&r.Message); err != nil {
			return nil, err
		}
		r.Attachments = nil // names only would do; the page does not show them
		if j.State == job.StateDone {
			r.SentAt = j.DoneAt
		}
		out = append(out, r)
	}
	return out, nil
}
