package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
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
	// SetupRequired, Notice and Reminder: set-up per unit, the notice
	// period of a seat subscription and the rental end reminder (months).
	SetupRequired    bool
	Notice, Reminder string
	// Availability, LeadTime (working days) and AvailableFrom (a date as
	// typed): whether and when the product can be delivered (issue 14).
	Availability, LeadTime, AvailableFrom string
}

// productFormOf is the form of a stored product.
func productFormOf(p *catalog.Product) productForm {
	f := productForm{
		ID: p.ID, Version: p.Version, SKU: p.SKU, Name: p.Name, Description: p.Description, Kind: p.Kind, Unit: p.Unit,
		ListPrice: money.FormatNumber(p.ListPriceCents), VATPercent: strconv.FormatInt(p.VATPercent, 10),
		Active: p.Active, QuoteOnly: p.QuoteOnly, SetupRequired: p.SetupRequired,
		Notice: strconv.FormatInt(p.NoticeMonths, 10), Reminder: strconv.FormatInt(p.EndReminderMonths, 10),
	}
	a := p.Availability()
	f.Availability = a.State
	if a.LeadTimeDays != nil {
		f.LeadTime = strconv.FormatInt(*a.LeadTimeDays, 10)
	}
	if !a.AvailableFrom.IsZero() {
		f.AvailableFrom = a.AvailableFrom.String()
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

// productFormFrom reads the posted product form.
func productFormFrom(c *fiber.Ctx) productForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	return productForm{
		SKU: v("sku"), Name: v("name"), Description: c.FormValue("description"), CategoryID: v("category_id"), Kind: v("kind"),
		Unit: v("unit"), ListPrice: v("list_price"), VATPercent: v("vat_percent"), TermMonths: v("rental_term_months"),
		Monthly: v("rental_monthly"), Buyout: v("rental_buyout"), Active: c.FormValue("active") != "", QuoteOnly: c.FormValue("quote_only") != "",
		SetupRequired: c.FormValue("setup_required") != "", Notice: v("notice_months"), Reminder: v("end_reminder_months"),
		Availability: v("availability"), LeadTime: v("lead_time_days"), AvailableFrom: v("available_from"),
	}
}

// input turns the form into domain input; the errors are those of
// reading it (the domain validates the rest).
func (f productForm) input() (catalog.ProductInput, formErrors) {
	var errs formErrors
	in := catalog.ProductInput{
		SKU: f.SKU, Name: f.Name, Description: f.Description, Kind: f.Kind, Unit: f.Unit, Active: f.Active, QuoteOnly: f.QuoteOnly,
		CategoryID: errs.count("category_id", f.CategoryID), RentalTermMonths: errs.count("rental_term_months", f.TermMonths),
		RentalMonthlyCents: errs.euro("rental_monthly_cents", f.Monthly), RentalBuyoutCents: errs.euro("rental_buyout_cents", f.Buyout),
		SetupRequired: f.SetupRequired, NoticeMonths: errs.count("notice_months", f.Notice), EndReminderMonths: errs.count("end_reminder_months", f.Reminder),
	}
	if p := errs.euro("list_price_cents", f.ListPrice); p != nil {
		in.ListPriceCents = *p
	}
	vat, err := strconv.ParseInt(f.VATPercent, 10, 64)
	if err != nil {
		errs.add("vat_percent", "Bitte wählen Sie einen Mehrwertsteuersatz.")
	}
	in.VATPercent = vat
	in.Availability = catalog.Availability{State: f.Availability}
	if f.Availability == catalog.AvailableLeadTime {
		in.Availability.LeadTimeDays = errs.count("availability.lead_time_days", f.LeadTime)
	}
	if f.Availability == catalog.AvailableUnavailable && f.AvailableFrom != "" {
		d, err := calendar.Parse(f.AvailableFrom)
		if err != nil {
			errs.add("availability.available_from", "Bitte ein Datum als TT.MM.JJJJ angeben.")
		}
		in.Availability.AvailableFrom = d
	}
	return in, errs
}

// renderProductForm shows the product form; err, if any, above it and at
// its fields.
func (h *Handler) renderProductForm(c *fiber.Ctx, f productForm, err error) error {
	cats, cerr := h.Catalog.Categories(c.UserContext(), *web.Principal(c))
	if cerr != nil {
		return cerr
	}
	title := "Neues Produkt"
	if f.ID != 0 {
		title = "Produkt " + f.SKU + " bearbeiten"
	}
	data := fiber.Map{"Title": title, "F": f, "Categories": cats, "Kinds": kindOptions(), "VATRates": catalog.VATRates, "Availabilities": availabilityOptions(), "Errors": map[string]string{},
		"CanAudit": h.Authz.Allowed(web.Principal(c).Subject, "read", authz.On("audit"))}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		data["Errors"] = fieldMap(apperr.FieldsOf(err))
	}
	return h.Render(c, "catalog_product_form", data)
}

// availabilityOptions are the choices of the availability select.
func availabilityOptions() []option {
	out := make([]option, 0, len(catalog.AvailabilityStates))
	for _, st := range catalog.AvailabilityStates {
		out = append(out, option{Value: st, Label: catalog.StateLabel(st)})
	}
	return out
}
