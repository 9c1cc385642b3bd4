package privacy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/notify"
)

// Export is everything coopshop holds about one user (DSGVO Art. 15), as
// GET /api/v1/users/{id}/export answers it. Secrets never appear: no
// password hash, no token or token hash.
type Export struct {
	GeneratedAt time.Time `json:"generated_at"`
	Profile     Profile   `json:"profile"`
	Roles       []string  `json:"roles"`
	// Deputies are the Vertretungen naming the user, as principal or as
	// deputy.
	Deputies      []DeputyRecord          `json:"deputies"`
	Sessions      []SessionRecord         `json:"sessions"`
	APITokens     []TokenRecord           `json:"api_tokens"`
	Links         []account.LinkRecord    `json:"links"`
	LoginFailures []account.FailureRecord `json:"login_failures"`
	// LoginAttempts are the audit entries of the user's logins and failed
	// logins (kept for the login retention, then purged).
	LoginAttempts   []AuditRecord     `json:"login_attempts"`
	OrdersRequested []OrderRecord     `json:"orders_requested"`
	Approvals       []ApprovalRecord  `json:"approvals"`
	QuoteDecisions  []QuoteDecision   `json:"quote_decisions"`
	QuotesWorkedOn  []QuoteRecord     `json:"quotes_worked_on"`
	Audit           []AuditRecord     `json:"audit"`
	Mails           []MailRecord      `json:"mails"`
	OtherRecords    []ReferenceRecord `json:"other_records"`
}

// Profile is the user's account.
type Profile struct {
	ID                 int64      `json:"id"`
	Email              string     `json:"email"`
	Name               string     `json:"name"`
	OrganisationID     int64      `json:"organisation_id"`
	Organisation       string     `json:"organisation"`
	Active             bool       `json:"active"`
	ApprovalLimitCents *int64     `json:"approval_limit_cents"`
	FailedLogins       int        `json:"failed_logins"`
	LastLoginAt        *time.Time `json:"last_login_at"`
	CreatedAt          time.Time  `json:"created_at"`
	Version            int64      `json:"version"`
}

// DeputyRecord is a Vertretung naming the user.
type DeputyRecord struct {
	As          string `json:"as"` // "principal" or "deputy"
	PrincipalID int64  `json:"principal_id"`
	DeputyID    int64  `json:"deputy_user_id"`
	From        string `json:"from"`
	To          string `json:"to"`
}

// SessionRecord is a browser session, without its token.
type SessionRecord struct {
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt *time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	Address    string     `json:"address"` // the client's address at login
}

// TokenRecord is an API token, without the token.
type TokenRecord struct {
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Address   string    `json:"address"`
}

// OrderRecord is an order request the user submitted.
type OrderRecord struct {
	ID             int64     `bun:"id" json:"id"`
	Number         string    `bun:"number" json:"number"`
	State          string    `bun:"state" json:"state"`
	OrganisationID int64     `bun:"organisation_id" json:"organisation_id"`
	CostCentre     string    `bun:"cost_centre" json:"cost_centre"`
	Reason         string    `bun:"reason" json:"reason"`
	GrossCents     int64     `bun:"gross_cents" json:"gross_cents"`
	SubmittedAt    time.Time `bun:"submitted_at" json:"submitted_at"`
}

// ApprovalRecord is a decision on an order's stage that the user took,
// in their own name or as a deputy, or that a deputy took on their
// behalf (as "principal").
type ApprovalRecord struct {
	OrderID     int64      `bun:"order_id" json:"order_id"`
	OrderNumber string     `bun:"order_number" json:"order_number"`
	Round       int        `bun:"round" json:"round"`
	Stage       int        `bun:"stage_no" json:"stage"`
	Role        string     `bun:"role" json:"role"`
	State       string     `bun:"state" json:"state"`
	DecidedBy   *int64     `bun:"decided_by" json:"decided_by"`
	OnBehalfOf  *int64     `bun:"on_behalf_of" json:"on_behalf_of"`
	DecidedAt   *time.Time `bun:"decided_at" json:"decided_at"`
	Comment     string     `bun:"comment" json:"comment"`
	As          string     `bun:"-" json:"as"` // "self", "deputy", "principal"
}

// QuoteDecision is a member stage of a quotation's acceptance decided by
// or for the user.
type QuoteDecision struct {
	QuoteID    int64      `bun:"quote_id" json:"quote_id"`
	Number     string     `bun:"number" json:"number"`
	VersionNo  int        `bun:"version_no" json:"version_no"`
	Stage      int        `bun:"stage_no" json:"stage"`
	Role       string     `bun:"role" json:"role"`
	State      string     `bun:"state" json:"state"`
	DecidedBy  *int64     `bun:"decided_by" json:"decided_by"`
	OnBehalfOf *int64     `bun:"on_behalf_of" json:"on_behalf_of"`
	DecidedAt  *time.Time `bun:"decided_at" json:"decided_at"`
	Comment    string     `bun:"comment" json:"comment"`
	As         string     `bun:"-" json:"as"`
}

// QuoteRecord is a quotation version the user worked on, and how.
type QuoteRecord struct {
	ID          int64    `bun:"id" json:"id"`
	Number      string   `bun:"number" json:"number"`
	VersionNo   int      `bun:"version_no" json:"version_no"`
	State       string   `bun:"state" json:"state"`
	DraftedBy   *int64   `bun:"drafted_by" json:"-"`
	SubmittedBy *int64   `bun:"submitted_by" json:"-"`
	ApprovedBy  *int64   `bun:"approved_by" json:"-"`
	SentBy      *int64   `bun:"sent_by" json:"-"`
	AnsweredBy  *int64   `bun:"answered_by" json:"-"`
	Author      bool     `bun:"author" json:"-"`
	As          []string `bun:"-" json:"as"` // drafted, author, submitted, approved, sent, answered
}

// AuditRecord is an audit entry naming the user, as actor or as the
// subject of the entry (their own user record, a detail naming them).
type AuditRecord struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	As       string          `json:"as"` // "actor", "subject", "named"
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID int64           `json:"entity_id"`
	Detail   json.RawMessage `json:"detail,omitempty"`
}

// MailRecord is a mail to the user's address.
type MailRecord struct {
	ID        int64      `json:"id"`
	Event     string     `json:"event"`
	Subject   string     `json:"subject"`
	State     string     `json:"state"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// ReferenceRecord lists the rows of a table that name the user in a
// column, by their id (Key names the column the ids come from): records
// of work done (deliveries recorded, invoices issued, payments booked …)
// that the sections above do not show in full.
type ReferenceRecord struct {
	Table  string  `json:"table"`
	Column string  `json:"column"`
	Key    string  `json:"key"`
	IDs    []int64 `json:"ids"`
}

// references are the columns that name a user by id besides those the
// export shows in detail: table, column, and the column that identifies
// a row.
var references = [][3]string{
	{"carts", "user_id", "id"},
	{"deliveries", "recorded_by", "id"},
	{"invoices", "created_by", "id"},
	{"invoice_payments", "recorded_by", "id"},
	{"invoice_reminder_blocks", "blocked_by", "invoice_id"},
	{"bank_entries", "imported_by", "id"},
	{"billing_runs", "started_by", "id"},
	{"subscription_changes", "created_by", "id"},
	{"stripe_intents", "created_by", "id"},
	{"deputies", "created_by", "id"},
	{"idempotency_keys", "user_id", "result_id"},
	{"privacy_notices", "updated_by", "id"},
	{"order_lists", "owner_id", "id"},
	{"quotes", "requester_id", "id"},
	{"seat_reductions", "requested_by", "id"},
}

// detailed are the columns naming a user that the export's own sections
// show.
var detailed = []string{
	"sessions.user_id", "api_tokens.user_id", "user_tokens.user_id", "orders.requester_id",
	"order_stages.decided_by", "order_stages.on_behalf_of", "quote_member_approvals.decided_by", "quote_member_approvals.on_behalf_of",
	"quotes.drafted_by", "quotes.submitted_by", "quotes.approved_by", "quotes.sent_by", "quotes.answered_by", "quote_authors.user_id",
	"deputies.principal_id", "deputies.deputy_id", "audit_log.actor_id",
}

// CoveredUserColumns lists every "table.column" naming a user by id that
// the export covers, for the test that compares it with the schema's
// references to users.
func CoveredUserColumns() []string {
	out := append([]string(nil), detailed...)
	for _, r := range references {
		out = append(out, r[0]+"."+r[1])
	}
	return out
}

// Export gathers everything held about a user for those who may export
// it: the member admin for users of the own member, admin for anyone;
// another member's user is a 404 as in the user administration. The
// export itself is audited (user.export): who looked at whose data.
func (s *Service) Export(ctx context.Context, actor account.Principal, userID int64) (*Export, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "export", authz.On("user")); err != nil {
		return nil, err
	}
	u, err := s.Accounts.ManagedUser(ctx, actor, userID)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "export", authz.Object{Kind: "user", ID: u.ID, OrgID: u.OrgID}); err != nil {
		return nil, err
	}
	out, err := s.collect(ctx, s.DB, u)
	if err != nil {
		return nil, err
	}
	err = audit.Write(ctx, s.DB, audit.Record{Actor: actor.Actor(), Action: "user.export", Entity: "user", EntityID: u.ID,
		Version: u.Version, OrgID: u.OrgID})
	return out, err
}

// collect reads the export of u.
func (s *Service) collect(ctx context.Context, idb bun.IDB, u *account.User) (*Export, error) {
	id := u.ID
	out := &Export{GeneratedAt: s.Clock.Now().UTC(), Roles: s.Authz.RolesOf(u.ID, u.OrgID),
		Profile: Profile{ID: u.ID, Email: u.Email, Name: u.Name, OrganisationID: u.OrgID, Active: u.Active, ApprovalLimitCents: u.ApprovalLimitCents,
			FailedLogins: u.FailedLogins, LastLoginAt: u.LastLoginAt, CreatedAt: u.CreatedAt, Version: u.Version}}
	if u.Org != nil {
		out.Profile.Organisation = u.Org.Name
	}
	if out.Roles == nil {
		out.Roles = []string{}
	}
	var deps []account.Deputy
	if err := idb.NewSelect().Model(&deps).Where("principal_id = ? OR deputy_id = ?", id, id).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("export deputies: %w", err)
	}
	out.Deputies = []DeputyRecord{}
	for _, d := range deps {
		as := "principal"
		if d.DeputyID == id {
			as = "deputy"
		}
		out.Deputies = append(out.Deputies, DeputyRecord{As: as, PrincipalID: d.PrincipalID, DeputyID: d.DeputyID, From: d.From.String(), To: d.To.String()})
	}
	var sessions []account.Session
	if err := idb.NewSelect().Model(&sessions).Where("user_id = ?", id).OrderExpr("created_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("export sessions: %w", err)
	}
	out.Sessions = []SessionRecord{}
	for _, x := range sessions {
		out.Sessions = append(out.Sessions, SessionRecord{CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt, Address: x.Address})
	}
	var tokens []account.Token
	if err := idb.NewSelect().Model(&tokens).Where("user_id = ?", id).OrderExpr("created_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("export tokens: %w", err)
	}
	out.APITokens = []TokenRecord{}
	for _, x := range tokens {
		out.APITokens = append(out.APITokens, TokenRecord{CreatedAt: x.CreatedAt, ExpiresAt: x.ExpiresAt, Address: x.Address})
	}
	var err error
	if out.Links, err = account.LinksOf(ctx, idb, id); err != nil {
		return nil, err
	}
	if out.LoginFailures, err = account.LoginFailuresOf(ctx, idb, u.Email); err != nil {
		return nil, err
	}
	out.OrdersRequested = []OrderRecord{}
	if err := idb.NewRaw(`SELECT id, number, state, organisation_id, cost_centre, reason, gross_cents, submitted_at
		FROM orders WHERE requester_id = ? ORDER BY id`, id).Scan(ctx, &out.OrdersRequested); err != nil {
		return nil, fmt.Errorf("export orders: %w", err)
	}
	out.Approvals = []ApprovalRecord{}
	if err := idb.NewRaw(`SELECT s.order_id, o.number AS order_number, s.round, s.stage_no, s.role, s.state, s.decided_by, s.on_behalf_of, s.decided_at, s.comment
		FROM order_stages AS s JOIN orders AS o ON o.id = s.order_id
		WHERE s.decided_by = ? OR s.on_behalf_of = ? ORDER BY s.order_id, s.round, s.stage_no`, id, id).Scan(ctx, &out.Approvals); err != nil {
		return nil, fmt.Errorf("export approvals: %w", err)
	}
	for i := range out.Approvals {
		out.Approvals[i].As = capacity(id, out.Approvals[i].DecidedBy, out.Approvals[i].OnBehalfOf)
	}
	out.QuoteDecisions = []QuoteDecision{}
	if err := idb.NewRaw(`SELECT m.quote_id, q.number, q.version_no, m.stage_no, m.role, m.state, m.decided_by, m.on_behalf_of, m.decided_at, m.comment
		FROM quote_member_approvals AS m JOIN quotes AS q ON q.id = m.quote_id
		WHERE m.decided_by = ? OR m.on_behalf_of = ? ORDER BY m.quote_id, m.stage_no`, id, id).Scan(ctx, &out.QuoteDecisions); err != nil {
		return nil, fmt.Errorf("export quote decisions: %w", err)
	}
	for i := range out.QuoteDecisions {
		out.QuoteDecisions[i].As = capacity(id, out.QuoteDecisions[i].DecidedBy, out.QuoteDecisions[i].OnBehalfOf)
	}
	if out.QuotesWorkedOn, err = quotesOf(ctx, idb, id); err != nil {
		return nil, err
	}
	if out.Audit, out.LoginAttempts, err = auditOf(ctx, idb, u); err != nil {
		return nil, err
	}
	if out.Mails, err = mailsTo(ctx, idb, u.Email); err != nil {
		return nil, err
	}
	out.OtherRecords = []ReferenceRecord{}
	for _, r := range references {
		var ids []int64
		if err := idb.NewRaw(fmt.Sprintf("SELECT %q FROM %q WHERE %q = ? ORDER BY 1", r[2], r[0], r[1]), id).Scan(ctx, &ids); err != nil {
			return nil, fmt.Errorf("export %s.%s: %w", r[0], r[1], err)
		}
		if len(ids) > 0 {
			out.OtherRecords = append(out.OtherRecords, ReferenceRecord{Table: r[0], Column: r[1], Key: r[2], IDs: ids})
		}
	}
	return out, nil
}

// capacity is how the user took part in a decision.
func capacity(id int64, decidedBy, onBehalfOf *int64) string {
	switch {
	case decidedBy != nil && *decidedBy == id && onBehalfOf != nil:
		return "deputy"
	case decidedBy != nil && *decidedBy == id:
		return "self"
	default:
		return "principal"
	}
}

// quotesOf lists the quotation versions the user drafted, wrote, submitted,
// approved, sent or answered.
func quotesOf(ctx context.Context, idb bun.IDB, id int64) ([]QuoteRecord, error) {
	rows := []QuoteRecord{}
	err := idb.NewRaw(`SELECT q.id, q.number, q.version_no, q.state, q.drafted_by, q.submitted_by, q.approved_by, q.sent_by, q.answered_by,
			EXISTS (SELECT 1 FROM quote_authors AS a WHERE a.quote_id = q.id AND a.user_id = ?) AS author
		FROM quotes AS q
		WHERE q.drafted_by = ? OR q.submitted_by = ? OR q.approved_by = ? OR q.sent_by = ? OR q.answered_by = ?
		   OR EXISTS (SELECT 1 FROM quote_authors AS a WHERE a.quote_id = q.id AND a.user_id = ?)
		ORDER BY q.id`, id, id, id, id, id, id, id).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("export quotes: %w", err)
	}
	is := func(p *int64) bool { return p != nil && *p == id }
	for i := range rows {
		q := &rows[i]
		q.As = []string{}
		for _, c := range []struct {
			ok   bool
			name string
		}{{is(q.DraftedBy), "drafted"}, {q.Author, "author"}, {is(q.SubmittedBy), "submitted"}, {is(q.ApprovedBy), "approved"}, {is(q.SentBy), "sent"}, {is(q.AnsweredBy), "answered"}} {
			if c.ok {
				q.As = append(q.As, c.name)
			}
		}
	}
	return rows, nil
}

// auditOf lists the audit entries naming the user: as actor, as the
// entry's subject (their user record), or in the detail (by address or
// name). Login entries come apart, as login attempts.
func auditOf(ctx context.Context, idb bun.IDB, u *account.User) (all, logins []AuditRecord, err error) {
	var entries []audit.Entry
	q := idb.NewSelect().Model(&entries).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("actor_id = ?", u.ID).WhereOr("entity = 'user' AND entity_id = ?", u.ID)
			col := Column{Table: "audit_log", Name: "detail"}
			q = q.WhereOr(contains(idb, col), u.Email)
			if sweepable(u.Name) {
				q = q.WhereOr(contains(idb, col), u.Name)
			}
			return q
		}).OrderExpr("id")
	if err := q.Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("export audit: %w", err)
	}
	all, logins = []AuditRecord{}, []AuditRecord{}
	for _, e := range entries {
		r := AuditRecord{ID: e.ID, At: e.At, As: "named", Action: e.Action, Entity: e.Entity, EntityID: e.EntityID}
		switch {
		case e.ActorID != nil && *e.ActorID == u.ID:
			r.As = "actor"
		case e.Entity == "user" && e.EntityID == u.ID:
			r.As = "subject"
		}
		if e.Detail != "" {
			if json.Valid([]byte(e.Detail)) {
				r.Detail = json.RawMessage(e.Detail)
			} else {
				b, _ := json.Marshal(e.Detail)
				r.Detail = b
			}
		}
		if e.Action == "user.login" || e.Action == "user.login_failed" {
			logins = append(logins, r)
			continue
		}
		all = append(all, r)
	}
	return all, logins, nil
}

// mailsTo lists the mails to an address, sent or not, oldest first.
func mailsTo(ctx context.Context, idb bun.IDB, email string) ([]MailRecord, error) {
	to := "json_extract(payload, '$.to')"
	if idb.Dialect().Name() == dialect.PG {
		to = "payload->>'to'"
	}
	var rows []struct {
		ID        int64      `bun:"id"`
		Payload   string     `bun:"payload"`
		State     string     `bun:"state"`
		CreatedAt time.Time  `bun:"created_at"`
		DoneAt    *time.Time `bun:"done_at"`
	}
	err := idb.NewRaw("SELECT id, payload, state, created_at, done_at FROM jobs WHERE kind = ? AND "+to+" = ? ORDER BY id", notify.KindMail, email).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("export mails: %w", err)
	}
	out := make([]MailRecord, 0, len(rows))
	for _, r := range rows {
		var m notify.Message
		_ = json.Unmarshal([]byte(r.Payload), &m)
		rec := MailRecord{ID: r.ID, Event: m.Event, Subject: m.Subject, State: r.State, CreatedAt: r.CreatedAt}
		if r.State == "done" {
			rec.SentAt = r.DoneAt
		}
		out = append(out, rec)
	}
	return out, nil
}
