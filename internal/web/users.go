package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
)

// userRow is a user with their roles, for lists.
type userRow struct {
	account.User
	Roles []string `json:"roles"`
}

func (s *Server) userRows(c *fiber.Ctx) ([]userRow, error) {
	users, err := s.Accounts.Users(c.UserContext(), *principal(c))
	if err != nil {
		return nil, err
	}
	rows := make([]userRow, len(users))
	for i := range users {
		rows[i] = userRow{users[i], s.Accounts.RolesOf(&users[i])}
	}
	return rows, nil
}

func (s *Server) usersPage(c *fiber.Ctx) error {
	rows, err := s.userRows(c)
	if err != nil {
		return err
	}
	return s.render(c, "users", fiber.Map{"Users": rows})
}

// loadManagedUser loads a user the caller may see; another member's user
// is a 404.
func (s *Server) loadManagedUser(c *fiber.Ctx) (*account.User, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Accounts.ManagedUser(c.UserContext(), *principal(c), id)
}

func (s *Server) userPage(c *fiber.Ctx) error {
	u, err := s.loadManagedUser(c)
	if err != nil {
		return err
	}
	return s.renderUser(c, u, s.Accounts.RolesOf(u), "")
}

func (s *Server) renderUser(c *fiber.Ctx, u *account.User, roles []string, errMsg string) error {
	canManage := s.Accounts.CanManageUser(*principal(c), u)
	return s.render(c, "user", fiber.Map{
		"Target": u, "Roles": roles, "Available": authz.RolesFor(u.Org.Kind), "CanManage": canManage, "Error": errMsg,
	})
}

func (s *Server) userRolesSubmit(c *fiber.Ctx) error {
	u, err := s.loadManagedUser(c)
	if err != nil {
		return err
	}
	roles := formValues(c, "role")
	v, err := parseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	err = s.Accounts.SetRoles(c.UserContext(), *principal(c), u.ID, v, roles)
	switch apperr.CodeOf(err) {
	case "":
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		c.Status(status[apperr.CodeOf(err)])
		return s.renderUser(c, u, roles, apperr.MessageOf(err))
	}
	if err != nil {
		return err
	}
	s.flash(c, "Die Rollen von "+u.Name+" wurden gespeichert.")
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) apiUsers(c *fiber.Ctx) error {
	rows, err := s.userRows(c)
	if err != nil {
		return err
	}
	return c.JSON(list[userRow]{Items: rows})
}

func (s *Server) apiUserRoles(c *fiber.Ctx) error {
	u, err := s.loadManagedUser(c)
	if err != nil {
		return err
	}
	var in struct {
		versioned
		Roles []string `json:"roles"`
	}
	version, err := decodeChange(c, &in)
	if err != nil {
		return err
	}
	if err := s.Accounts.SetRoles(c.UserContext(), *principal(c), u.ID, version, in.Roles); err != nil {
		return err
	}
	u, err = s.Accounts.ManagedUser(c.UserContext(), *principal(c), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(userRow{*u, s.Accounts.RolesOf(u)})
}
