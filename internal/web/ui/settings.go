package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/member"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// settingsMember is the member whose settings a page is about: the
// ?member= (or form field member) for those who manage several (the
// provider's admin), else the viewer's own organisation.
func settingsMember(c *fiber.Ctx) int64 {
	for _, raw := range []string{c.FormValue("member"), c.Query("member")} {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
			return id
		}
	}
	return web.Principal(c).User.OrgID
}

// rulesForm is the approval chain form as typed.
type rulesForm struct {
	Stage, Role, Min []string
}

// settingsPage is GET /settings: approval chain, cost centres and
// delivery addresses of a member, for its member_admin (or the admin).
func (h *Handler) settingsPage(c *fiber.Ctx) error {
	return h.renderSettings(c, settingsMember(c), nil, "")
}

func (h *Handler) renderSettings(c *fiber.Ctx, memberID int64, err error, section string) error {
	ctx, p := c.UserContext(), web.Principal(c)
	// Members to switch between: all the viewer may manage.
	members, merr := h.Members.Manageable(ctx, *p)
	if merr != nil {
		return merr
	}
	if memberID == p.User.OrgID && len(members) > 0 && !slices.ContainsFunc(members, func(o account.Organisation) bool { return o.ID == memberID }) {
		memberID = members[0].ID // the provider's admin starts with the first member
	}
	st, serr := h.Members.Editable(ctx, *p, memberID)
	if serr != nil {
		return serr
	}
	rules := rulesForm{}
	for _, r := range st.Rules {
		rules.Stage = append(rules.Stage, strconv.Itoa(r.StageNo))
		rules.Role = append(rules.Role, r.Role)
		rules.Min = append(rules.Min, money.FormatNumber(r.MinGrossCents))
	}
	data := fiber.Map{"Title": "Einstellungen " + st.MemberName, "S": st, "Members": members, "Roles": member.ApprovalRoles,
		"Rules": rules, "Errors": map[string]string{}, "Section": section}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"], data["Errors"] = apperr.MessageOf(err), fieldErrorMap(err)
	}
	return h.Render(c, "settings", data)
}

// settingsDone goes back to the settings page with a flash.
func (h *Handler) settingsDone(c *fiber.Ctx, memberID int64, msg string) error {
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/settings?member=%d", memberID), fiber.StatusSeeOther)
}

// settingsFailed shows the page again with the error, unless the error
// means the member is not visible at all.
func (h *Handler) settingsFailed(c *fiber.Ctx, memberID int64, err error, section string) error {
	switch apperr.CodeOf(err) {
	case apperr.Internal, apperr.NotFound, apperr.Unauthorized, apperr.Forbidden:
		return err
	}
	return h.renderSettings(c, memberID, err, section)
}

// settingsRulesSubmit is POST /settings/rules: the whole approval chain;
// rows with an empty stage are dropped.
func (h *Handler) settingsRulesSubmit(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	stages, roles, mins := web.FormValues(c, "stage"), web.FormValues(c, "role"), web.FormValues(c, "min_gross")
	if len(stages) != len(roles) || len(stages) != len(mins) {
		return web.Malformed("Die Stufen sind unvollständig.")
	}
	var in []member.RuleInput
	for i := range stages {
		if strings.TrimSpace(stages[i]) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(stages[i]))
		if err != nil {
			n = -1
		}
		min := int64(0)
		if raw := strings.TrimSpace(mins[i]); raw != "" {
			if min, err = money.Parse(raw); err != nil {
				return h.settingsFailed(c, memberID, apperr.Fields("Ungültiger Betrag.", apperr.FieldError{Field: fmt.Sprintf("rules[%d].min_gross_cents", len(in)), Message: "Bitte einen Betrag wie 25.000,00 angeben."}), "rules")
			}
		}
		in = append(in, member.RuleInput{Stage: n, Role: roles[i], MinGrossCents: min})
	}
	if _, err := h.Members.SetRules(c.UserContext(), *web.Principal(c), memberID, version, in); err != nil {
		return h.settingsFailed(c, memberID, err, "rules")
	}
	return h.settingsDone(c, memberID, "Die Genehmigungsstufen sind gespeichert. Laufende Bestellungen behalten ihre Stufen.")
}

// settingsCostCentreSubmit is POST /settings/cost-centres.
func (h *Handler) settingsCostCentreSubmit(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	cc, err := h.Members.AddCostCentre(c.UserContext(), *web.Principal(c), memberID, member.CostCentreInput{Code: c.FormValue("code"), Name: c.FormValue("name")})
	if err != nil {
		return h.settingsFailed(c, memberID, err, "centres")
	}
	return h.settingsDone(c, memberID, "Kostenstelle „"+cc.Label()+"“ angelegt.")
}

// settingsCostCentreDelete is POST /settings/cost-centres/:id/delete.
func (h *Handler) settingsCostCentreDelete(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Members.DeleteCostCentre(c.UserContext(), *web.Principal(c), memberID, id); err != nil {
		return h.settingsFailed(c, memberID, err, "centres")
	}
	return h.settingsDone(c, memberID, "Die Kostenstelle wurde entfernt.")
}

// settingsAddressSubmit is POST /settings/addresses.
func (h *Handler) settingsAddressSubmit(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	a, err := h.Members.AddAddress(c.UserContext(), *web.Principal(c), memberID, member.AddressInput{Label: c.FormValue("label"), Address: c.FormValue("address")})
	if err != nil {
		return h.settingsFailed(c, memberID, err, "addresses")
	}
	return h.settingsDone(c, memberID, "Lieferadresse „"+a.Label+"“ angelegt.")
}

// settingsAddressDelete is POST /settings/addresses/:id/delete.
func (h *Handler) settingsAddressDelete(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Members.DeleteAddress(c.UserContext(), *web.Principal(c), memberID, id); err != nil {
		return h.settingsFailed(c, memberID, err, "addresses")
	}
	return h.settingsDone(c, memberID, "Die Lieferadresse wurde entfernt.")
}
