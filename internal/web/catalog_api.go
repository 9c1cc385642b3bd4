package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
)

// apiProducts is GET /api/v1/products: the catalog with the caller's
// prices, searched and filtered, in pages.
func (s *Server) apiProducts(c *fiber.Ctx) error {
	v := catalogViewer(principal(c))
	today := s.today()
	f, err := s.catalogFilter(c, v, today)
	if err != nil {
		return err
	}
	page, err := catalog.Search(c.UserContext(), s.DB, f)
	if err != nil {
		return err
	}
	items, err := s.catalogItems(c, v, page.Products, today)
	if err != nil {
		return err
	}
	out := list[catalogItem]{Items: items}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return c.JSON(out)
}

// apiProduct is GET /api/v1/products/{id}.
func (s *Server) apiProduct(c *fiber.Ctx) error {
	it, err := s.catalogProduct(c)
	if err != nil {
		return err
	}
	return c.JSON(it)
}

// apiCategories is GET /api/v1/categories.
func (s *Server) apiCategories(c *fiber.Ctx) error {
	cats, err := catalog.Categories(c.UserContext(), s.DB)
	if err != nil {
		return err
	}
	if cats == nil {
		cats = []catalog.Category{}
	}
	return c.JSON(list[catalog.Category]{Items: cats})
}

// apiProductCreate is POST /api/v1/products. Left out, active is true,
// vat_percent 19 and unit "Stück".
func (s *Server) apiProductCreate(c *fiber.Ctx) error {
	in := catalog.ProductInput{Active: true, VATPercent: 19, Unit: "Stück"}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := catalog.AddProduct(c.UserContext(), s.DB, principal(c).Actor(), in)
	if err != nil {
		return err
	}
	return s.apiProductAnswer(c, p.ID, fiber.StatusCreated)
}

// apiProductUpdate is PATCH /api/v1/products/{id}: the fields sent replace
// the stored ones (null clears an optional one), provided version is
// still current.
func (s *Server) apiProductUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := catalog.GetProduct(c.UserContext(), s.DB, id)
	if err != nil {
		return err
	}
	var in catalog.ProductInput
	version, err := patchJSON(c, catalog.InputOf(p), &in)
	if err != nil {
		return err
	}
	if _, err := catalog.UpdateProduct(c.UserContext(), s.DB, principal(c).Actor(), id, version, in); err != nil {
		return err
	}
	return s.apiProductAnswer(c, id, fiber.StatusOK)
}

// apiProductDeactivate is POST /api/v1/products/{id}/deactivate {"version"}.
func (s *Server) apiProductDeactivate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return missingVersion()
	}
	if _, err := catalog.DeactivateProduct(c.UserContext(), s.DB, principal(c).Actor(), id, in.Version); err != nil {
		return err
	}
	return s.apiProductAnswer(c, id, fiber.StatusOK)
}

func (s *Server) apiProductAnswer(c *fiber.Ctx, id int64, st int) error {
	p, err := catalog.GetProduct(c.UserContext(), s.DB, id)
	if err != nil {
		return err
	}
	v := catalogViewer(principal(c))
	it := newCatalogItem(p, catalog.ListPrice(p), v.Provider())
	if p.Active {
		items, err := s.catalogItems(c, v, []*catalog.Product{p}, s.today())
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
	return apperr.Fields("Die Version fehlt.", apperr.FieldError{Field: "version", Message: "Bitte senden Sie die Version, die Sie zuletzt gelesen haben."})
}

// patchJSON applies a JSON merge patch (RFC 7396, flat) to current and
// decodes the result into dst; it returns the body's "version", which is
// required. Fields that current does not have are refused.
func patchJSON(c *fiber.Ctx, current any, dst any) (int64, error) {
	var patch map[string]json.RawMessage
	if err := decodeJSON(c, &patch); err != nil {
		return 0, err
	}
	var version int64
	if raw, ok := patch["version"]; ok {
		if err := json.Unmarshal(raw, &version); err != nil {
			return 0, errMalformed{"Feld version hat den falschen Typ."}
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
			return 0, errMalformed{"Feld " + typeErr.Field + " hat den falschen Typ."}
		}
		return 0, errMalformed{"Der Anfragekörper ist kein gültiges JSON."}
	}
	return version, nil
}
