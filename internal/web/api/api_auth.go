package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// apiToken is POST /api/v1/auth/token: e-mail and password for a bearer
// token. Failures are counted and throttled by account.Login (429 with
// Retry-After, the same for every account).
func (h *Handler) apiToken(c *fiber.Ctx) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Email == "" || in.Password == "" {
		return apperr.Fields("E-Mail-Adresse und Passwort sind erforderlich.",
			apperr.FieldError{Field: "email", Message: "erforderlich"}, apperr.FieldError{Field: "password", Message: "erforderlich"})
	}
	p, err := h.Accounts.Login(c.UserContext(), in.Email, in.Password, h.ClientIP(c))
	if err != nil {
		return err
	}
	token, expires, err := h.Accounts.IssueTokenFrom(c.UserContext(), *p, c.IP())
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

func (h *Handler) apiMe(c *fiber.Ctx) error {
	p := web.Principal(c)
	return c.JSON(meJSON{p.User.ID, p.User.Email, p.User.Name, p.User.Org, p.Subject.Roles, p.User.ApprovalLimitCents})
}
