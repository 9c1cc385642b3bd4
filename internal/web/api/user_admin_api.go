package api

import (
	"bytes"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/web"
)

// apiUserCreate is POST /api/v1/users {"email","name","organisation_id",
// "roles","approval_limit_cents"}: 201 with the user, who gets an
// invitation mail with a one-time link to set the password.
func (h *Handler) apiUserCreate(c *fiber.Ctx) error {
	var in struct {
		Email              string   `json:"email"`
		Name               string   `json:"name"`
		OrganisationID     int64    `json:"organisation_id"`
		Roles              []string `json:"roles"`
		ApprovalLimitCents *int64   `json:"approval_limit_cents"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.Accounts.CreateUser(c.UserContext(), *web.Principal(c), account.NewUser{Email: in.Email, Name: in.Name,
		OrgID: in.OrganisationID, Roles: in.Roles, ApprovalLimitCents: in.ApprovalLimitCents})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(UserRow{*u, h.Accounts.RolesOf(u)})
}

// apiUserUpdate is PATCH /api/v1/users/{id} {"version", "name",
// "approval_limit_cents", "active", "roles"}: each field sent is changed
// (approval_limit_cents null: no limit).
func (h *Handler) apiUserUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		Name               *string         `json:"name"`
		ApprovalLimitCents json.RawMessage `json:"approval_limit_cents"`
		Active             *bool           `json:"active"`
		Roles              *[]string       `json:"roles"`
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	ch := account.UserChange{Version: version, Name: in.Name, Active: in.Active, Roles: in.Roles}
	if in.ApprovalLimitCents != nil {
		ch.SetLimit = true
		if !bytes.Equal(bytes.TrimSpace(in.ApprovalLimitCents), []byte("null")) {
			var v int64
			if err := json.Unmarshal(in.ApprovalLimitCents, &v); err != nil {
				return apperr.Fields("Ungültige Freigabegrenze.", apperr.FieldError{Field: "approval_limit_cents", Message: "Ganze Cent oder null (keine Grenze)."})
			}
			ch.ApprovalLimitCents = &v
		}
	}
	u, err := h.Accounts.UpdateUser(c.UserContext(), *web.Principal(c), id, ch)
	if err != nil {
		return err
	}
	return c.JSON(UserRow{*u, h.Accounts.RolesOf(u)})
}

// deputyJSON is a Vertretung as the API shows it.
type deputyJSON struct {
	PrincipalID  int64         `json:"principal_id"`
	DeputyUserID int64         `json:"deputy_user_id"`
	From         calendar.Date `json:"from"`
	To           calendar.Date `json:"to"`
}

// putDeputy names the deputy of principalID from the body
// {"deputy_user_id","from","to"}.
func (h *Handler) putDeputy(c *fiber.Ctx, principalID int64) error {
	var in struct {
		DeputyUserID int64         `json:"deputy_user_id"`
		From         calendar.Date `json:"from"`
		To           calendar.Date `json:"to"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	d, err := h.Accounts.SetDeputy(c.UserContext(), *web.Principal(c), principalID, account.DeputyInput{DeputyUserID: in.DeputyUserID, From: in.From, To: in.To})
	if err != nil {
		return err
	}
	return c.JSON(deputyJSON{PrincipalID: d.PrincipalID, DeputyUserID: d.DeputyID, From: d.From, To: d.To})
}

// apiMyDeputyPut is PUT /api/v1/me/deputy: the caller names their deputy.
func (h *Handler) apiMyDeputyPut(c *fiber.Ctx) error {
	return h.putDeputy(c, web.Principal(c).User.ID)
}

// apiMyDeputyDelete is DELETE /api/v1/me/deputy: 204.
func (h *Handler) apiMyDeputyDelete(c *fiber.Ctx) error {
	if err := h.Accounts.ClearDeputy(c.UserContext(), *web.Principal(c), web.Principal(c).User.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiUserDeputyPut is PUT /api/v1/users/{id}/deputy: the member admin
// (own member) or admin names a user's deputy.
func (h *Handler) apiUserDeputyPut(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	return h.putDeputy(c, id)
}

// apiUserDeputyDelete is DELETE /api/v1/users/{id}/deputy: 204.
func (h *Handler) apiUserDeputyDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Accounts.ClearDeputy(c.UserContext(), *web.Principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
