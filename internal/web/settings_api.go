package web

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/member"
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
func (s *Server) apiSettings(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	st, err := s.Members.Settings(c.UserContext(), *principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(settingsOf(st))
}

// apiRulesPut is PUT /api/v1/members/{id}/approval-rules
// {"version","rules":[{"stage","role","min_gross_cents"}]}: replaces the
// member's approval chain.
func (s *Server) apiRulesPut(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		versioned
		Rules []member.RuleInput `json:"rules"`
	}
	version, err := decodeChange(c, &in)
	if err != nil {
		return err
	}
	p := principal(c)
	if _, err := s.Members.SetRules(c.UserContext(), *p, id, version, in.Rules); err != nil {
		return err
	}
	return s.apiSettings(c)
}

// apiCostCentreCreate is POST /api/v1/members/{id}/cost-centres.
func (s *Server) apiCostCentreCreate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in member.CostCentreInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cc, err := s.Members.AddCostCentre(c.UserContext(), *principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cc)
}

// apiCostCentreUpdate is PUT /api/v1/members/{id}/cost-centres/{cc}
// {"version","code","name","active"}.
func (s *Server) apiCostCentreUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ccID, err := paramID(c, "cc")
	if err != nil {
		return err
	}
	var in struct {
		versioned
		member.CostCentreInput
	}
	version, err := decodeChange(c, &in)
	if err != nil {
		return err
	}
	cc, err := s.Members.UpdateCostCentre(c.UserContext(), *principal(c), id, ccID, version, in.CostCentreInput)
	if err != nil {
		return err
	}
	return c.JSON(cc)
}

// apiCostCentreDelete is DELETE /api/v1/members/{id}/cost-centres/{cc}.
func (s *Server) apiCostCentreDelete(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ccID, err := paramID(c, "cc")
	if err != nil {
		return err
	}
	if err := s.Members.DeleteCostCentre(c.UserContext(), *principal(c), id, ccID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiAddressCreate is POST /api/v1/members/{id}/delivery-addresses.
func (s *Server) apiAddressCreate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in member.AddressInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.Members.AddAddress(c.UserContext(), *principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// apiAddressUpdate is PUT /api/v1/members/{id}/delivery-addresses/{addr}.
func (s *Server) apiAddressUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	aID, err := paramID(c, "addr")
	if err != nil {
		return err
	}
	var in struct {
		versioned
		member.AddressInput
	}
	version, err := decodeChange(c, &in)
	if err != nil {
		return err
	}
	a, err := s.Members.UpdateAddress(c.UserContext(), *principal(c), id, aID, version, in.AddressInput)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// apiAddressDelete is DELETE /api/v1/members/{id}/delivery-addresses/{addr}.
func (s *Server) apiAddressDelete(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	aID, err := paramID(c, "addr")
	if err != nil {
		return err
	}
	if err := s.Members.DeleteAddress(c.UserContext(), *principal(c), id, aID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
