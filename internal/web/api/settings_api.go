package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/member"
	"coopshop/internal/web"
)

// settingsJSON is a member's order settings.
type settingsJSON struct {
	MemberID          int64               `json:"member_id"`
	Member            string              `json:"member"`
	Version           int64               `json:"version"`
	CostCentres       []member.CostCentre `json:"cost_centres"`
	DeliveryAddresses []member.Address    `json:"delivery_addresses"`
	ApprovalRules     []member.Rule       `json:"approval_rules"`
}

func settingsOf(st *member.Settings) settingsJSON {
	out := settingsJSON{MemberID: st.MemberID, Member: st.MemberName, Version: st.Version,
		CostCentres: st.CostCentres, DeliveryAddresses: st.Addresses, ApprovalRules: st.Rules}
	if out.CostCentres == nil {
		out.CostCentres = []member.CostCentre{}
	}
	if out.DeliveryAddresses == nil {
		out.DeliveryAddresses = []member.Address{}
	}
	if out.ApprovalRules == nil {
		out.ApprovalRules = []member.Rule{}
	}
	return out
}

// apiSettings is GET /api/v1/members/{id}/settings: cost centres,
// delivery addresses and the approval chain of a member, for whoever may
// read the member's orders (the checkout needs them) or manage them.
func (h *Handler) apiSettings(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	st, err := h.Members.Settings(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(settingsOf(st))
}

// apiRulesPut is PUT /api/v1/members/{id}/approval-rules
// {"version","rules":[{"stage","role","min_gross_cents"}]}: replaces the
// member's approval chain.
func (h *Handler) apiRulesPut(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		Rules []member.RuleInput `json:"rules"`
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	if _, err := h.Members.SetRules(c.UserContext(), *p, id, version, in.Rules); err != nil {
		return err
	}
	return h.apiSettings(c)
}

// apiCostCentreCreate is POST /api/v1/members/{id}/cost-centres.
func (h *Handler) apiCostCentreCreate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in member.CostCentreInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	cc, err := h.Members.AddCostCentre(c.UserContext(), *web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cc)
}

// apiCostCentreUpdate is PUT /api/v1/members/{id}/cost-centres/{cc}
// {"version","code","name","active"}.
func (h *Handler) apiCostCentreUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	ccID, err := web.ParamID(c, "cc")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		member.CostCentreInput
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	cc, err := h.Members.UpdateCostCentre(c.UserContext(), *web.Principal(c), id, ccID, version, in.CostCentreInput)
	if err != nil {
		return err
	}
	return c.JSON(cc)
}

// apiCostCentreDelete is DELETE /api/v1/members/{id}/cost-centres/{cc}.
func (h *Handler) apiCostCentreDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	ccID, err := web.ParamID(c, "cc")
	if err != nil {
		return err
	}
	if err := h.Members.DeleteCostCentre(c.UserContext(), *web.Principal(c), id, ccID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiAddressCreate is POST /api/v1/members/{id}/delivery-addresses.
func (h *Handler) apiAddressCreate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in member.AddressInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := h.Members.AddAddress(c.UserContext(), *web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// apiAddressUpdate is PUT /api/v1/members/{id}/delivery-addresses/{addr}.
func (h *Handler) apiAddressUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	aID, err := web.ParamID(c, "addr")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		member.AddressInput
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	a, err := h.Members.UpdateAddress(c.UserContext(), *web.Principal(c), id, aID, version, in.AddressInput)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// apiAddressDelete is DELETE /api/v1/members/{id}/delivery-addresses/{addr}.
func (h *Handler) apiAddressDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	aID, err := web.ParamID(c, "addr")
	if err != nil {
		return err
	}
	if err := h.Members.DeleteAddress(c.UserContext(), *web.Principal(c), id, aID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
