package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// billingJSON is a member's invoicing settings.
type billingJSON struct {
	MemberID         int64  `json:"member_id"`
	InvoiceEmail     string `json:"invoice_email"`
	PaymentTermsDays int    `json:"payment_terms_days"`
	DebtorAccount    string `json:"debtor_account"`
	Version          int64  `json:"version"`
}

func billingOf(b *invoice.Billing) billingJSON {
	return billingJSON{MemberID: b.OrgID, InvoiceEmail: b.InvoiceEmail, PaymentTermsDays: b.PaymentTermsDays,
		DebtorAccount: b.DebtorAccount, Version: b.Version}
}

// apiBilling is GET /api/v1/members/{id}/billing: a member's invoice
// e-mail, payment terms and debtor account (finance, admin).
func (h *Handler) apiBilling(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	b, err := h.Invoices.MemberBilling(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(billingOf(b))
}

// apiBillingPut is PUT /api/v1/members/{id}/billing {"version",
// "invoice_email","payment_terms_days","debtor_account"}: replaces a
// member's invoicing settings; they apply to invoices issued from now on.
func (h *Handler) apiBillingPut(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		InvoiceEmail     string `json:"invoice_email"`
		PaymentTermsDays int    `json:"payment_terms_days"`
		DebtorAccount    string `json:"debtor_account"`
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	b, err := h.Invoices.UpdateMemberBilling(c.UserContext(), *web.Principal(c), id, version,
		invoice.BillingInput{InvoiceEmail: in.InvoiceEmail, PaymentTermsDays: in.PaymentTermsDays, DebtorAccount: in.DebtorAccount})
	if err != nil {
		return err
	}
	return c.JSON(billingOf(b))
}
