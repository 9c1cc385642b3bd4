package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/notify"
)

// The purposes of a one-time link.
const (
	purposeInvite = "invite"
	purposeReset  = "reset"
)

// userToken is a one-time link to set a password: an invitation or a
// password reset. Only the token's hash is stored; it works once and
// until it expires.
type userToken struct {
	bun.BaseModel `bun:"table:user_tokens,alias:ut"`

	TokenHash string     `bun:"token_hash,pk"`
	UserID    int64      `bun:"user_id"`
	Purpose   string     `bun:"purpose"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// PasswordPath is the page a one-time link opens (internal/web/ui).
const PasswordPath = "/password"

// sendLink writes a one-time link for u and the mail that carries it, in
// the caller's transaction: the mail job exists exactly when the step
// committed. Older open links of the user end.
func (s *Service) sendLink(ctx context.Context, tx bun.IDB, u *User, purpose string, now time.Time) error {
	if _, err := tx.NewDelete().Model((*userToken)(nil)).Where("user_id = ? AND used_at IS NULL", u.ID).Exec(ctx); err != nil {
		return fmt.Errorf("end old links: %w", err)
	}
	token := randomToken()
	ttl := InvitationTTL
	if purpose == purposeReset {
		ttl = ResetTTL
	}
	t := &userToken{TokenHash: hashToken(token), UserID: u.ID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if _, err := tx.NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("insert link: %w", err)
	}
	link := s.Config.PublicURL() + PasswordPath + "?token=" + token
	until := t.ExpiresAt.In(calendar.Berlin).Format("02.01.2006 15:04")
	msg := notify.Message{To: u.Email, Entity: "user", EntityID: u.ID}
	if purpose == purposeInvite {
		org := ""
		if u.Org != nil {
			org = " für " + u.Org.Name
		}
		msg.Event, msg.Subject = "user.invite", "Ihr Zugang zum Bestellportal"+org
		msg.Body = fmt.Sprintf("Guten Tag %s,\n\nfür Sie wurde ein Zugang zum Bestellportal%s eingerichtet. "+
			"Bitte legen Sie über diesen Link Ihr Passwort fest:\n\n%s\n\nDer Link gilt einmal und bis %s Uhr.\n", u.Name, org, link, until)
	} else {
		msg.Event, msg.Subject = "user.password_reset", "Passwort zurücksetzen"
		msg.Body = fmt.Sprintf("Guten Tag %s,\n\nSie haben ein neues Passwort angefordert. Über diesen Link legen Sie es fest:\n\n%s\n\n"+
			"Der Link gilt einmal und bis %s Uhr. Haben Sie nichts angefordert, können Sie diese Nachricht ignorieren.\n", u.Name, link, until)
	}
	return notify.Enqueue(ctx, tx, msg)
}

// errBadLink is the one answer for an unknown, used or expired link.
var errBadLink = apperr.New(apperr.NotFound, "Dieser Link ist ungültig, abgelaufen oder wurde schon benutzt. Bitte fordern Sie einen neuen an.")

// linkUser resolves a one-time link that still works.
func linkUser(ctx context.Context, idb bun.IDB, token string, now time.Time) (*userToken, *User, error) {
	t := new(userToken)
	err := idb.NewSelect().Model(t).Where("token_hash = ?", hashToken(token)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (t.UsedAt != nil || !now.Before(t.ExpiresAt)) {
		return nil, nil, errBadLink
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load link: %w", err)
	}
	u, err := GetUser(ctx, idb, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	if !u.Active {
		return nil, nil, errBadLink
	}
	return t, u, nil
}

// LinkUser tells whose password a one-time link sets, for the page that
// asks for it; an unknown, used or expired link is a 404.
func (s *Service) LinkUser(ctx context.Context, token string) (*User, error) {
	_, u, err := linkUser(ctx, s.DB, token, s.Clock.Now())
	return u, err
}

// SetPasswordWithLink sets the password of the link's user once: the
// rules of CheckPasswordRules, a bcrypt hash of cost ≥ 10, the link used,
// the user's sessions and API tokens ended (a reset after a stolen
// password must lock the thief out, and a token issued with the stolen
// password would outlive it by its whole lifetime). Audited.
func (s *Service) SetPasswordWithLink(ctx context.Context, token, password string) (*User, error) {
	now := s.Clock.Now().UTC()
	_, u, err := linkUser(ctx, s.DB, token, now)
	if err != nil {
		return nil, err
	}
	if err := CheckPasswordRules(password, u.Email); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	defer s.touch()
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, _, err := linkUser(ctx, tx, token, now)
		if err != nil {
			return err
		}
		res, err := tx.NewUpdate().Model(t).Set("used_at = ?", now).Where("token_hash = ? AND used_at IS NULL", t.TokenHash).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadLink
		}
		if _, err := tx.NewUpdate().Model((*User)(nil)).Set("password_hash = ?, failed_logins = 0, version = version + 1", hash).
			Where("id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Session)(nil)).Where("user_id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Token)(nil)).Where("user_id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: audit.Actor{UserID: u.ID, Email: u.Email, OrgID: u.OrgID}, Action: "user.password_set",
			Entity: "user", EntityID: u.ID, Version: u.Version + 1, OrgID: u.OrgID, Detail: map[string]any{"via": t.Purpose}})
	})
	if err != nil {
		return nil, err
	}
	return GetUser(ctx, s.DB, u.ID)
}

// RequestPasswordReset mails a reset link to an active user with this
// e-mail address. The answer is the same whether the address has an
// account or not, so that the form reveals nobody.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	u, err := UserByEmail(ctx, s.DB, email)
	if err != nil || !u.Active {
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			slog.ErrorContext(ctx, "password reset", "err", err)
		}
		return nil
	}
	now := s.Clock.Now().UTC()
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.sendLink(ctx, tx, u, purposeReset, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: audit.Actor{UserID: u.ID, Email: u.Email, OrgID: u.OrgID}, Action: "user.password_reset_requested",
			Entity: "user", EntityID: u.ID, Version: u.Version, OrgID: u.OrgID})
	})
}
