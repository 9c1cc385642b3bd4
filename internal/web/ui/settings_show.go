package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/member"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// settingsPage is GET /settings: approval chain, cost centres and
// delivery addresses of a member, for its member_admin (or the admin).
func (h *Handler) settingsPage(c *fiber.Ctx) error {
	return h.renderSettings(c, settingsMember(c), h.TakeForm(c))
}

// rulesForm is the approval chain form as typed.
type rulesForm struct {
	Stage, Role, Min []string
}

// renderSettings shows the settings of a member; the state a failed form
// kept (fs, nil without one) with its error and what was typed, in the
// section it belongs to.
func (h *Handler) renderSettings(c *fiber.Ctx, memberID int64, fs *web.FormState) error {
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
	section := fs.Value("_section")
	if section == "rules" {
		rules = rulesForm{Stage: fs.Values["stage"], Role: fs.Values["role"], Min: fs.Values["min_gross"]}
		if n := len(rules.Stage); n > 0 && rules.Stage[n-1] == "" && len(rules.Role) == n && len(rules.Min) == n {
			// the empty „neu“ row comes again from the template
			rules = rulesForm{Stage: rules.Stage[:n-1], Role: rules.Role[:n-1], Min: rules.Min[:n-1]}
		}
	}
	typed := map[string]string{}
	if section == "centres" || section == "addresses" {
		for _, k := range []string{"code", "name", "label", "address"} {
			typed[k] = fs.Value(k)
		}
	}
	data := fiber.Map{"Title": "Einstellungen " + st.MemberName, "S": st, "Members": members, "Roles": member.ApprovalRoles,
		"Rules": rules, "Errors": map[string]string{}, "Section": section, "Typed": typed}
	profile, perr := h.Members.ProfileOf(ctx, *p, memberID)
	if perr != nil {
		return perr
	}
	if section == "profile" {
		days, _ := strconv.Atoi(strings.TrimSpace(fs.Value("reminder_days")))
		profile = &member.Profile{LeitwegID: fs.Value("leitweg_id"), Street: fs.Value("street"), Zip: fs.Value("zip"), City: fs.Value("city"),
			Email: fs.Value("email"), PaymentContact: fs.Value("payment_contact"), Bundesland: fs.Value("bundesland"), ReminderDays: days}
	}
	data["Profile"], data["Bundeslaender"] = profile, calendar.Bundeslaender
	if fs != nil {
		data["Error"], data["Errors"] = fs.Error, fs.Fields
	}
	return h.Render(c, "settings", data)
}
