package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/clock"
	"coopshop/internal/db"
)

// Every request starts by finding out who asks. That lookup is one
// statement (issue 15's budgets count it): the session or token row joined
// with its user and the user's organisation, and whether the user stands
// in for anyone today. Only a deputy pays for loading the principals. It
// is sent as a prepared statement ($1 the token's hash, $2 today): parsed
// and planned once per connection, not on every request.

// sessionLookup is a session with everything its request needs.
type sessionLookup struct {
	bun.BaseModel `bun:"table:sessions,alias:session"`
	Session       `bun:",extend"`

	User     *User `bun:"rel:belongs-to,join:user_id=id"`
	StandsIn bool  `bun:"stands_in,scanonly"`
}

// tokenLookup is an API token with everything its request needs.
type tokenLookup struct {
	bun.BaseModel `bun:"table:api_tokens,alias:token"`
	Token         `bun:",extend"`

	User     *User `bun:"rel:belongs-to,join:user_id=id"`
	StandsIn bool  `bun:"stands_in,scanonly"`
}

// lookup selects the row of table alias whose token_hash is $1, joined
// with its user and the user's organisation, and whether the user is
// anyone's deputy on the day $2.
func lookup(idb bun.IDB, model any, alias string) *bun.SelectQuery {
	return idb.NewSelect().Model(model).Column(alias + ".*").
		ColumnExpr("EXISTS (SELECT 1 FROM deputies AS dep WHERE dep.deputy_id = " + alias +
			".user_id AND dep.valid_from <= $2 AND dep.valid_to >= $2) AS stands_in").
		Relation("User").Relation("User.Org").Where(alias + ".token_hash = $1")
}

// Authenticate resolves a browser session from its cookie value: the
// session, and the principal when someone is logged in (nil for an
// anonymous session). The session slides forward at most once a minute.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, *Principal, error) {
	if token == "" {
		return nil, nil, ErrSessionExpired
	}
	now := s.Clock.Now()
	row := new(sessionLookup)
	err := db.ScanPrepared(ctx, s.DB, lookup(s.DB, row, "session"), hashToken(token), clock.Today(s.Clock).String())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrSessionExpired
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load session: %w", err)
	}
	sess := &row.Session
	if now.After(sess.ExpiresAt) {
		return nil, nil, ErrSessionExpired
	}
	if sess.UserID == nil {
		return sess, nil, nil
	}
	p, err := s.principalOf(ctx, row.User, row.StandsIn)
	if err != nil {
		return nil, nil, err
	}
	if err := ExtendSession(ctx, s.DB, sess, s.Config.SessionTTL, now); err != nil {
		// The session still holds until its old expiry: a failed slide
		// costs the user nothing now.
		slog.WarnContext(ctx, "extend session", "err", err)
	}
	return sess, p, nil
}

// AuthenticateToken resolves an API bearer token, from the principals of
// tokens resolved lately when nothing they are made of has changed since
// (principalCache).
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*Principal, error) {
	invalid := apperr.New(apperr.Unauthorized, "Token ungültig oder abgelaufen.")
	key, now, today := hashToken(token), s.Clock.Now(), clock.Today(s.Clock)
	// The epoch is read before the lookup: a change committed while it
	// runs leaves the entry made of it behind the epoch, never ahead.
	var epoch uint64
	if s.Authz != nil {
		epoch = s.Authz.Epoch()
		if p, ok := s.tokens.get(key, epoch, now, today); ok {
			return p, nil
		}
	}
	row := new(tokenLookup)
	err := db.ScanPrepared(ctx, s.DB, lookup(s.DB, row, "token"), key, today.String())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, invalid
	}
	if err != nil {
		return nil, fmt.Errorf("load token: %w", err)
	}
	if now.After(row.ExpiresAt) {
		return nil, invalid
	}
	p, err := s.principalOf(ctx, row.User, row.StandsIn)
	if err == nil && s.Authz != nil {
		s.tokens.put(key, p, epoch, now, row.ExpiresAt, today)
	}
	return p, err
}

// touch tells the Authorizer, after a commit, that what principals are
// made of changed: this process's cached principals are not used again.
// (Other processes hear of it through migration 0084's triggers.)
func (s *Service) touch() {
	if s.Authz != nil {
		s.Authz.Touch()
	}
}

// principalOf makes the principal of a loaded user; the principals a
// deputy stands in for are loaded only when standsIn says there are any.
func (s *Service) principalOf(ctx context.Context, u *User, standsIn bool) (*Principal, error) {
	if u == nil || u.ID == 0 {
		return nil, apperr.New(apperr.NotFound, "Benutzer nicht gefunden.")
	}
	if !u.Active {
		return nil, apperr.New(apperr.Unauthorized, "Das Konto ist deaktiviert.")
	}
	p := &Principal{User: u, Subject: s.subject(u)}
	if !standsIn {
		return p, nil
	}
	deps, err := s.deputizedFor(ctx, *p)
	if err != nil {
		return nil, err
	}
	p.Deputies = deps
	return p, nil
}
