package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
)

// apiToken is POST /api/v1/auth/token: e-mail and password for a bearer
// token. Failures are slowed and counted by account.Login.
func (s *Server) apiToken(c *fiber.Ctx) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Email == "" || in.Password == "" {
		return apperr.Fields("E-Mail-Adresse und Passwort sind erforderlich.",
			apperr.FieldError{Field: "email", Message: "erforderlich"}, apperr.FieldError{Field: "password", Message: "erforderlich"})
	}
	p, err := s.Accounts.Login(c.UserContext(), in.Email, in.Password)
	if err != nil {
		return err
	}
	token, expires, err := account.IssueToken(c.UserContext(), s.DB, p.User.ID, s.Config.TokenTTL, s.Clock.Now())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"token": token, "expires_at": expires.Format(time.RFC3339)})
}

// meJSON is the caller as the API shows them.
type meJSON struct {
	ID           int64                 `json:"id"`
	Email        string                `json:"email"`
	Name         string                `json:"name"`
	Organisation *account.Organisation `json:"organisation"`
	Roles        []string              `json:"roles"`
	LimitCents   *int64                `json:"approval_limit_cents"`
}

func (s *Server) apiMe(c *fiber.Ctx) error {
	p := principal(c)
	return c.JSON(meJSON{p.User.ID, p.User.Email, p.User.Name, p.User.Org, p.Subject.Roles, p.User.ApprovalLimitCents})
}
