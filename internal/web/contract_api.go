package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// contractJSON is a framework contract as the caller may see it. Members
// get their own remaining quota per line and no list of other members.
type contractJSON struct {
	ID         int64              `json:"id"`
	Number     string             `json:"number"`
	Title      string             `json:"title"`
	Supplier   string             `json:"supplier"`
	ValidFrom  calendar.Date      `json:"valid_from"`
	ValidTo    calendar.Date      `json:"valid_to"`
	State      string             `json:"state"`
	StateLabel string             `json:"state_label"`
	Active     bool               `json:"active"`
	AllMembers bool               `json:"all_members"`
	MemberIDs  []int64            `json:"member_ids,omitempty"`
	Version    int64              `json:"version"`
	Lines      []contractLineJSON `json:"lines"`
}

type contractLineJSON struct {
	ID              int64  `json:"id"`
	ProductID       int64  `json:"product_id"`
	SKU             string `json:"sku"`
	Name            string `json:"name"`
	Unit            string `json:"unit"`
	VATPercent      int64  `json:"vat_percent"`
	PriceCents      int64  `json:"price_cents"`
	GrossCents      int64  `json:"gross_cents"`
	MinQuantity     int64  `json:"min_quantity"`
	QuotaTotal      *int64 `json:"quota_total"`
	QuotaPerMember  *int64 `json:"quota_per_member"`
	UsedTotal       int64  `json:"used_total"`
	RemainingTotal  *int64 `json:"remaining_total"`
	RemainingMember *int64 `json:"remaining_member"`
}

func newContractJSON(ct *catalog.Contract, v catalog.Viewer, today calendar.Date) contractJSON {
	out := contractJSON{
		ID: ct.ID, Number: ct.Number, Title: ct.Title, Supplier: ct.Supplier, ValidFrom: ct.ValidFrom, ValidTo: ct.ValidTo,
		State: ct.State(today), StateLabel: ct.StateLabel(today), Active: ct.Active, AllMembers: ct.AllMembers, Version: ct.Version,
		Lines: []contractLineJSON{},
	}
	if v.Provider() {
		out.MemberIDs = ct.Members
	}
	for _, l := range ct.Lines {
		lj := contractLineJSON{
			ID: l.ID, ProductID: l.ProductID, PriceCents: l.PriceCents, MinQuantity: l.MinQuantity,
			QuotaTotal: l.QuotaTotal, QuotaPerMember: l.QuotaPerMember, UsedTotal: l.UsedTotal, RemainingTotal: l.RemainingTotal(),
		}
		if !v.Provider() {
			lj.RemainingMember = l.RemainingMember()
		}
		if p := l.Product; p != nil {
			lj.SKU, lj.Name, lj.Unit, lj.VATPercent = p.SKU, p.Name, p.Unit, p.VATPercent
			lj.GrossCents = l.PriceCents + money.VAT(l.PriceCents, p.VATPercent)
		}
		out.Lines = append(out.Lines, lj)
	}
	return out
}

// apiContracts is GET /api/v1/contracts: members see the contracts they
// are eligible for that are valid now or later; the provider sees all.
func (s *Server) apiContracts(c *fiber.Ctx) error {
	v := catalogViewer(principal(c))
	today := s.today()
	limit, _ := strconv.Atoi(c.Query("limit"))
	if limit <= 0 || limit > catalog.MaxLimit {
		limit = catalog.DefaultLimit
	}
	cs, next, err := catalog.VisibleContracts(c.UserContext(), s.DB, v, today, limit, c.Query("cursor"))
	if err != nil {
		return err
	}
	out := list[contractJSON]{Items: make([]contractJSON, 0, len(cs))}
	for _, ct := range cs {
		out.Items = append(out.Items, newContractJSON(ct, v, today))
	}
	if next != "" {
		out.NextCursor = &next
	}
	return c.JSON(out)
}

// apiContract is GET /api/v1/contracts/{id}; a contract the member is not
// eligible for is a 404.
func (s *Server) apiContract(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v := catalogViewer(principal(c))
	today := s.today()
	ct, err := catalog.VisibleContract(c.UserContext(), s.DB, v, id, today)
	if err != nil {
		return err
	}
	return c.JSON(newContractJSON(ct, v, today))
}

// apiContractCreate is POST /api/v1/contracts. Left out, active is true.
func (s *Server) apiContractCreate(c *fiber.Ctx) error {
	in := catalog.ContractInput{Active: true}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ct, err := catalog.AddContract(c.UserContext(), s.DB, principal(c).Actor(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newContractJSON(ct, catalog.Viewer{}, s.today()))
}

// apiContractUpdate is PATCH /api/v1/contracts/{id}: the fields sent
// replace the stored ones (lines and member_ids as a whole), provided
// version is still current.
func (s *Server) apiContractUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ct, err := catalog.GetContract(c.UserContext(), s.DB, id)
	if err != nil {
		return err
	}
	var in catalog.ContractInput
	version, err := patchJSON(c, catalog.ContractInputOf(ct), &in)
	if err != nil {
		return err
	}
	ct, err = catalog.UpdateContract(c.UserContext(), s.DB, principal(c).Actor(), id, version, in)
	if err != nil {
		return err
	}
	return c.JSON(newContractJSON(ct, catalog.Viewer{}, s.today()))
}
