package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// apiContracts is GET /api/v1/contracts: members see the contracts they
// are eligible for that are valid now or later; the provider sees all.
func (h *Handler) apiContracts(c *fiber.Ctx) error {
	p := web.Principal(c)
	v, today := h.Catalog.ViewerFor(*p), h.Catalog.Today()
	lq := web.NewListQuery(c)
	limit := lq.Limit(catalog.DefaultLimit, catalog.MaxLimit)
	if err := lq.Err(); err != nil {
		return err
	}
	cs, next, err := h.Catalog.Contracts(c.UserContext(), *p, limit, c.Query("cursor"))
	if err != nil {
		return err
	}
	out := List[ContractJSON]{Items: make([]ContractJSON, 0, len(cs))}
	for _, ct := range cs {
		out.Items = append(out.Items, NewContractJSON(ct, v, today))
	}
	if next != "" {
		out.NextCursor = &next
	}
	return c.JSON(out)
}

// apiContract is GET /api/v1/contracts/{id}; a contract the member is not
// eligible for is a 404.
func (h *Handler) apiContract(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	ct, err := h.Catalog.Contract(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	return c.JSON(NewContractJSON(ct, h.Catalog.ViewerFor(*p), h.Catalog.Today()))
}

// apiContractCreate is POST /api/v1/contracts. Left out, active is true.
func (h *Handler) apiContractCreate(c *fiber.Ctx) error {
	in := catalog.ContractInput{Active: true}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p := web.Principal(c)
	ct, err := h.Catalog.AddContract(c.UserContext(), *p, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(NewContractJSON(ct, h.Catalog.ViewerFor(*p), h.Catalog.Today()))
}

// apiContractUpdate is PATCH /api/v1/contracts/{id}: the fields sent
// replace the stored ones (lines and member_ids as a whole), provided
// version is still current.
func (h *Handler) apiContractUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	ct, err := h.Catalog.Contract(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	var in catalog.ContractInput
	version, err := patchJSON(c, catalog.ContractInputOf(ct), &in)
	if err != nil {
		return err
	}
	ct, err = h.Catalog.UpdateContract(c.UserContext(), *p, id, version, in)
	if err != nil {
		return err
	}
	return c.JSON(NewContractJSON(ct, h.Catalog.ViewerFor(*p), h.Catalog.Today()))
}
