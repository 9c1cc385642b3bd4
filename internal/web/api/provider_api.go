package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// providerInputJSON is the body of PUT /api/v1/provider/settings: every
// field of the provider's invoicing data, named like invoice.Provider's.
type providerInputJSON struct {
	web.Versioned
	LegalName       string `json:"legal_name"`
	Street          string `json:"street"`
	Zip             string `json:"zip"`
	City            string `json:"city"`
	VATID           string `json:"vat_id"`
	TaxNumber       string `json:"tax_number"`
	RegisterEntry   string `json:"register_entry"`
	IBAN            string `json:"iban"`
	BIC             string `json:"bic"`
	BankName        string `json:"bank_name"`
	ContactName     string `json:"contact_name"`
	ContactPhone    string `json:"contact_phone"`
	ContactEmail    string `json:"contact_email"`
	EInvoiceAddress string `json:"e_invoice_address"`
}

// apiProviderSettings is GET /api/v1/provider/settings: the provider's
// legal and bank data that invoices print (finance, auditor, admin).
func (h *Handler) apiProviderSettings(c *fiber.Ctx) error {
	p, err := h.Invoices.ProviderSettings(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// apiProviderSettingsPut is PUT /api/v1/provider/settings {"version", …}:
// replaces the provider's invoicing data (admin); invoices issued before
// keep theirs.
func (h *Handler) apiProviderSettingsPut(c *fiber.Ctx) error {
	var in providerInputJSON
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	p, err := h.Invoices.UpdateProviderSettings(c.UserContext(), *web.Principal(c), version, invoice.ProviderInput{
		LegalName: in.LegalName, Street: in.Street, Zip: in.Zip, City: in.City, VATID: in.VATID, TaxNumber: in.TaxNumber,
		RegisterEntry: in.RegisterEntry, IBAN: in.IBAN, BIC: in.BIC, BankName: in.BankName, ContactName: in.ContactName,
		ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail, EInvoiceAddress: in.EInvoiceAddress})
	if err != nil {
		return err
	}
	return c.JSON(p)
}
