package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/member"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

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
