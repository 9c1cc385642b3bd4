package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/web"
)

// UserRow is a user with their roles, for the API's lists and the user
// pages of internal/web/ui.
type UserRow struct {
	account.User
	Roles []string `json:"roles"`
}

// UserRows are the users the caller may see, with their roles.
func UserRows(c *fiber.Ctx, accounts *account.Service) ([]UserRow, error) {
	users, err := accounts.Users(c.UserContext(), *web.Principal(c))
	if err != nil {
		return nil, err
	}
	rows := make([]UserRow, len(users))
	for i := range users {
		rows[i] = UserRow{users[i], accounts.RolesOf(&users[i])}
	}
	return rows, nil
}

// ManagedUser loads the user of the :id parameter: a user the caller may see; another member's user
// is a 404.
func ManagedUser(c *fiber.Ctx, accounts *account.Service) (*account.User, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return nil, err
	}
	return accounts.ManagedUser(c.UserContext(), *web.Principal(c), id)
}

// apiUsers is GET /api/v1/users: the users the caller may see.
func (h *Handler) apiUsers(c *fiber.Ctx) error {
	rows, err := UserRows(c, h.Accounts)
	if err != nil {
		return err
	}
	return c.JSON(List[UserRow]{Items: rows})
}

// apiUserRoles is PUT /api/v1/users/{id}/roles {"version","roles"}.
func (h *Handler) apiUserRoles(c *fiber.Ctx) error {
	u, err := ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		Roles []string `json:"roles"`
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	if err := h.Accounts.SetRoles(c.UserContext(), *web.Principal(c), u.ID, version, in.Roles); err != nil {
		return err
	}
	u, err = h.Accounts.ManagedUser(c.UserContext(), *web.Principal(c), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(UserRow{*u, h.Accounts.RolesOf(u)})
}
