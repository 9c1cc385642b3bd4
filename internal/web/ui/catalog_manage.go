package ui

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// productForm is the product form as typed: strings, so that whatever the
// user entered comes back on an error.
type productForm struct {
	ID                                 int64
	Version                            int64
	SKU, Name, Description, CategoryID string
	Kind, Unit, ListPrice, VATPercent  string
	TermMonths, Monthly, Buyout        string
	Active, QuoteOnly                  bool
}

func productFormOf(p *catalog.Product) productForm {
	f := productForm{
		ID: p.ID, Version: p.Version, SKU: p.SKU, Name: p.Name, Description: p.Description, Kind: p.Kind, Unit: p.Unit,
		ListPrice: money.FormatNumber(p.ListPriceCents), VATPercent: strconv.FormatInt(p.VATPercent, 10),
		Active: p.Active, QuoteOnly: p.QuoteOnly,
	}
	if p.CategoryID != nil {
		f.CategoryID = strconv.FormatInt(*p.CategoryID, 10)
	}
	if p.RentalTermMonths != nil {
		f.TermMonths = strconv.FormatInt(*p.RentalTermMonths, 10)
	}
	if p.RentalMonthlyCents != nil {
		f.Monthly = money.FormatNumber(*p.RentalMonthlyCents)
	}
	if p.RentalBuyoutCents != nil {
		f.Buyout = money.FormatNumber(*p.RentalBuyoutCents)
	}
	return f
}

func productFormFrom(c *fiber.Ctx) productForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	return productForm{
		SKU: v("sku"), Name: v("name"), Description: c.FormValue("description"), CategoryID: v("category_id"), Kind: v("kind"),
		Unit: v("unit"), ListPrice: v("list_price"), VATPercent: v("vat_percent"), TermMonths: v("rental_term_months"),
		Monthly: v("rental_monthly"), Buyout: v("rental_buyout"), Active: c.FormValue("active") != "", QuoteOnly: c.FormValue("quote_only") != "",
	}
}

// formErrors collects field errors of parsing a form, keyed like the
// domain's (list_price_cents, …), so one template shows both.
type formErrors []apperr.FieldError

func (e *formErrors) add(field, msg string) {
	*e = append(*e, apperr.FieldError{Field: field, Message: msg})
}

// euro reads an optional amount typed the German way.
func (e *formErrors) euro(field, raw string) *int64 {
	if raw == "" {
		return nil
	}
	v, err := money.Parse(raw)
	if err != nil {
		e.add(field, "Bitte geben Sie einen Betrag wie 1.234,56 an.")
		return nil
	}
	return &v
}

// count reads an optional whole number.
func (e *formErrors) count(field, raw string) *int64 {
	if raw == "" {
		return nil
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		e.add(field, "Bitte geben Sie eine ganze Zahl an.")
		return nil
	}
	return &v
}

// input turns the form into domain input; the errors are those of
// reading it (the domain validates the rest).
func (f productForm) input() (catalog.ProductInput, formErrors) {
	var errs formErrors
	in := catalog.ProductInput{
		SKU: f.SKU, Name: f.Name, Description: f.Description, Kind: f.Kind, Unit: f.Unit, Active: f.Active, QuoteOnly: f.QuoteOnly,
		CategoryID: errs.count("category_id", f.CategoryID), RentalTermMonths: errs.count("rental_term_months", f.TermMonths),
		RentalMonthlyCents: errs.euro("rental_monthly_cents", f.Monthly), RentalBuyoutCents: errs.euro("rental_buyout_cents", f.Buyout),
	}
	if p := errs.euro("list_price_cents", f.ListPrice); p != nil {
		in.ListPriceCents = *p
	}
	vat, err := strconv.ParseInt(f.VATPercent, 10, 64)
	if err != nil {
		errs.add("vat_percent", "Bitte wählen Sie einen Mehrwertsteuersatz.")
	}
	in.VATPercent = vat
	return in, errs
}

// fieldMap keys field errors by field for the templates (first wins).
func fieldMap(errs []apperr.FieldError) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		if _, ok := out[e.Field]; !ok {
			out[e.Field] = e.Message
		}
	}
	return out
}

// catalogManagePage is /catalog/manage: every product, active or not,
// searchable, with edit and deactivate.
func (h *Handler) catalogManagePage(c *fiber.Ctx) error {
	f := catalog.Filter{Q: c.Query("q"), Kind: c.Query("kind"), Cursor: c.Query("cursor"), Limit: 50}
	page, err := h.Catalog.Search(c.UserContext(), *web.Principal(c), f)
	if err != nil {
		return err
	}
	next := ""
	if page.NextCursor != "" {
		next = "/catalog/manage?q=" + url.QueryEscape(f.Q) + "&kind=" + url.QueryEscape(f.Kind) + "&cursor=" + page.NextCursor
	}
	return h.Render(c, "catalog_manage", fiber.Map{"Title": "Katalogpflege", "Products": page.Products, "Q": f.Q, "Kind": f.Kind,
		"Kinds": kindOptions(), "Next": next, "KindLabel": catalog.KindLabel})
}

func (h *Handler) renderProductForm(c *fiber.Ctx, f productForm, err error) error {
	cats, cerr := h.Catalog.Categories(c.UserContext(), *web.Principal(c))
	if cerr != nil {
		return cerr
	}
	title := "Neues Produkt"
	if f.ID != 0 {
		title = "Produkt " + f.SKU + " bearbeiten"
	}
	data := fiber.Map{"Title": title, "F": f, "Categories": cats, "Kinds": kindOptions(), "VATRates": catalog.VATRates, "Errors": map[string]string{},
		"CanAudit": h.Authz.Allowed(web.Principal(c).Subject, "read", authz.On("audit"))}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		data["Errors"] = fieldMap(apperr.FieldsOf(err))
	}
	return h.Render(c, "catalog_product_form", data)
}

// formOutcome tells whether err is one the form shows (with what the user
// typed) rather than an error page.
func formOutcome(err error) bool {
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict:
		return true
	}
	return false
}

func (h *Handler) productNewPage(c *fiber.Ctx) error {
	return h.renderProductForm(c, productForm{Kind: catalog.KindHardware, Unit: "Stück", VATPercent: "19", Active: true}, nil)
}

func (h *Handler) productCreateSubmit(c *fiber.Ctx) error {
	f := productFormFrom(c)
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderProductForm(c, f, invalidForm(errs))
	}
	p, err := h.Catalog.AddProduct(c.UserContext(), *web.Principal(c), in)
	if formOutcome(err) {
		return h.renderProductForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Das Produkt "+p.SKU+" wurde angelegt.")
	return c.Redirect("/catalog/manage/products/"+strconv.FormatInt(p.ID, 10), fiber.StatusSeeOther)
}

func invalidForm(errs formErrors) error {
	return apperr.Fields("Bitte prüfen Sie die markierten Angaben.", errs...)
}

func (h *Handler) productEditPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Catalog.Product(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return h.renderProductForm(c, productFormOf(p), nil)
}

func (h *Handler) productUpdateSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := productFormFrom(c)
	f.ID, f.Version = id, version
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderProductForm(c, f, invalidForm(errs))
	}
	p, err := h.Catalog.UpdateProduct(c.UserContext(), *web.Principal(c), id, version, in)
	if formOutcome(err) {
		return h.renderProductForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Das Produkt "+p.SKU+" wurde gespeichert.")
	return c.Redirect("/catalog/manage/products/"+strconv.FormatInt(p.ID, 10), fiber.StatusSeeOther)
}

func (h *Handler) productDeactivateSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	p, err := h.Catalog.DeactivateProduct(c.UserContext(), *web.Principal(c), id, version)
	if apperr.CodeOf(err) == apperr.Conflict {
		h.Flash(c, apperr.MessageOf(err))
		return c.Redirect("/catalog/manage", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Das Produkt "+p.SKU+" wurde deaktiviert; es erscheint nicht mehr im Katalog.")
	return c.Redirect("/catalog/manage", fiber.StatusSeeOther)
}
