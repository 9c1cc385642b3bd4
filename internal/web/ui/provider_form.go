package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// providerField is one input of the provider's invoicing data form.
type providerField struct {
	Name, Label, Value, Hint string
	Required                 bool
}

// providerForm is the provider's invoicing data as typed, so that an
// error shows what the admin entered.
type providerForm struct {
	Version int64
	In      invoice.ProviderInput
}

// providerFormOf is the form of the stored data.
func providerFormOf(p *invoice.Provider) providerForm {
	return providerForm{Version: p.Version, In: invoice.ProviderInput{LegalName: p.LegalName, Street: p.Street, Zip: p.Zip, City: p.City,
		VATID: p.VATID, TaxNumber: p.TaxNumber, RegisterEntry: p.RegisterEntry, IBAN: p.IBAN, BIC: p.BIC, BankName: p.BankName,
		ContactName: p.ContactName, ContactPhone: p.ContactPhone, ContactEmail: p.ContactEmail, EInvoiceAddress: p.EInvoiceAddress}}
}

// providerFormFrom reads the posted form.
func providerFormFrom(c *fiber.Ctx) providerForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	return providerForm{In: invoice.ProviderInput{LegalName: v("legal_name"), Street: v("street"), Zip: v("zip"), City: v("city"),
		VATID: v("vat_id"), TaxNumber: v("tax_number"), RegisterEntry: v("register_entry"), IBAN: v("iban"), BIC: v("bic"),
		BankName: v("bank_name"), ContactName: v("contact_name"), ContactPhone: v("contact_phone"), ContactEmail: v("contact_email"),
		EInvoiceAddress: v("e_invoice_address")}}
}

// fields lists the inputs in the order of the form, named like the
// domain's field errors.
func (f providerForm) fields() [][]providerField {
	in := f.In
	return [][]providerField{
		{{"legal_name", "Firmierung", in.LegalName, "wie im Register eingetragen", true}},
		{{"street", "Straße und Hausnummer", in.Street, "", true}, {"zip", "PLZ", in.Zip, "", true}, {"city", "Ort", in.City, "", true}},
		{{"vat_id", "USt-IdNr.", in.VATID, "USt-IdNr. oder Steuernummer", false}, {"tax_number", "Steuernummer", in.TaxNumber, "", false},
			{"register_entry", "Registereintrag", in.RegisterEntry, "z. B. Amtsgericht Stendal HRB 1234", false}},
		{{"iban", "IBAN", in.IBAN, "", true}, {"bic", "BIC", in.BIC, "", false}, {"bank_name", "Bank", in.BankName, "", false}},
		{{"contact_name", "Ansprechpartner Rechnungen", in.ContactName, "", false}, {"contact_phone", "Telefon", in.ContactPhone, "", false},
			{"contact_email", "E-Mail", in.ContactEmail, "", false}},
		{{"e_invoice_address", "Adresse für E-Rechnungen", in.EInvoiceAddress, "E-Mail-Adresse (XRechnung)", false}},
	}
}

// renderProviderForm shows the form; err, if any, with its status and at
// its fields.
func (h *Handler) renderProviderForm(c *fiber.Ctx, f providerForm, err error) error {
	data := fiber.Map{"Title": "Rechnungsangaben des Anbieters", "F": f, "Rows": f.fields(), "Errors": map[string]string{}}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		data["Errors"] = fieldMap(apperr.FieldsOf(err))
	}
	return h.Render(c, "provider", data)
}
