package ui

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/member"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// settingsPage is GET /settings: approval chain, cost centres and
// delivery addresses of a member, for its member_admin (or the admin).
func (h *Handler) settingsPage(c *fiber.Ctx) error {
	return h.renderSettings(c, settingsMember(c), nil, "")
}

// rulesForm is the approval chain form as typed.
type rulesForm struct {
	Stage, Role, Min []string
}

// renderSettings shows the settings of a member; err, if any, in the
// section it belongs to.
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
	profile, perr := h.Members.ProfileOf(ctx, *p, memberID)
	if perr != nil {
		return perr
	}
	if typed, ok := c.Locals("profile").(*member.Profile); ok && err != nil {
		profile = typed // the form as typed after an error
	}
	data["Profile"], data["Bundeslaender"] = profile, calendar.Bundeslaender
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"], data["Errors"] = apperr.MessageOf(err), fieldErrorMap(err)
	}
	return h.Render(c, "settings", data)
}
