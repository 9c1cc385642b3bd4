package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// apiProducts is GET /api/v1/products: the catalog with the caller's
// prices, searched and filtered, in pages.
func (h *Handler) apiProducts(c *fiber.Ctx) error {
	f, err := CatalogFilter(c)
	if err != nil {
		return err
	}
	page, err := h.Catalog.List(c.UserContext(), *web.Principal(c), f, false)
	if err != nil {
		return err
	}
	out := List[CatalogItem]{Items: ListedItems(page)}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return c.JSON(out)
}

// apiProduct is GET /api/v1/products/{id}.
func (h *Handler) apiProduct(c *fiber.Ctx) error {
	it, err := CatalogProduct(c, h.Catalog)
	if err != nil {
		return err
	}
	return c.JSON(it)
}

// apiCategories is GET /api/v1/categories.
func (h *Handler) apiCategories(c *fiber.Ctx) error {
	cats, err := h.Catalog.Categories(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	if cats == nil {
		cats = []catalog.Category{}
	}
	return c.JSON(List[catalog.Category]{Items: cats})
}

// apiProductCreate is POST /api/v1/products. Left out, active is true,
// vat_percent 19 and unit "Stück".
func (h *Handler) apiProductCreate(c *fiber.Ctx) error {
	in := catalog.ProductInput{Active: true, VATPercent: 19, Unit: "Stück"}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Catalog.AddProduct(c.UserContext(), *web.Principal(c), in)
	if err != nil {
		return err
	}
	return h.apiProductAnswer(c, p.ID, fiber.StatusCreated)
}

// apiProductUpdate is PATCH /api/v1/products/{id}: the fields sent replace
// the stored ones (null clears an optional one), provided version is
// still current.
func (h *Handler) apiProductUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Catalog.Product(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	var in catalog.ProductInput
	version, err := patchJSON(c, catalog.InputOf(p), &in)
	if err != nil {
		return err
	}
	if _, err := h.Catalog.UpdateProduct(c.UserContext(), *web.Principal(c), id, version, in); err != nil {
		return err
	}
	return h.apiProductAnswer(c, id, fiber.StatusOK)
}

// apiProductDeactivate is POST /api/v1/products/{id}/deactivate {"version"}.
func (h *Handler) apiProductDeactivate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Version int64 `json:"version"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return missingVersion()
	}
	if _, err := h.Catalog.DeactivateProduct(c.UserContext(), *web.Principal(c), id, in.Version); err != nil {
		return err
	}
	return h.apiProductAnswer(c, id, fiber.StatusOK)
}

func (h *Handler) apiProductAnswer(c *fiber.Ctx, id int64, st int) error {
	p, err := h.Catalog.Product(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	it := NewCatalogItem(p, catalog.ListPrice(p), h.Catalog.ViewerFor(*web.Principal(c)).Provider())
	if p.Active {
		items, err := CatalogItems(c, h.Catalog, []*catalog.Product{p})
		if err != nil {
			return err
		}
		if len(items) == 1 {
			it = items[0]
		}
	}
	return c.Status(st).JSON(it)
}

func missingVersion() error {
	return apperr.MissingVersion()
}

// patchJSON applies a JSON merge patch (RFC 7396, flat) to current and
// decodes the result into dst; it returns the body's "version", which is
// required. Fields that current does not have are refused.
func patchJSON(c *fiber.Ctx, current any, dst any) (int64, error) {
	var patch map[string]json.RawMessage
	if err := web.DecodeJSON(c, &patch); err != nil {
		return 0, err
	}
	var version int64
	if raw, ok := patch["version"]; ok {
		if err := json.Unmarshal(raw, &version); err != nil {
			return 0, web.Malformed("Feld version hat den falschen Typ.")
		}
		delete(patch, "version")
	}
	if version <= 0 {
		return 0, missingVersion()
	}
	base, err := json.Marshal(current)
	if err != nil {
		return 0, err
	}
	var merged map[string]json.RawMessage
	if err := json.Unmarshal(base, &merged); err != nil {
		return 0, err
	}
	var unknown []string
	for k, v := range patch {
		if _, ok := merged[k]; !ok {
			unknown = append(unknown, k)
			continue
		}
		merged[k] = v
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		fields := make([]apperr.FieldError, len(unknown))
		for i, k := range unknown {
			fields[i] = apperr.FieldError{Field: k, Message: "Dieses Feld gibt es nicht oder es kann nicht geändert werden."}
		}
		return 0, apperr.Fields("Unbekannte Felder.", fields...)
	}
	body, err := json.Marshal(merged)
	if err != nil {
		return 0, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return 0, web.Malformed("Feld " + typeErr.Field + " hat den falschen Typ.")
		}
		return 0, web.Malformed("Der Anfragekörper ist kein gültiges JSON.")
	}
	return version, nil
}
