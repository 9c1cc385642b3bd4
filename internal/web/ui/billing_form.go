package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// billingForm is a member's invoicing settings as typed, so that an error
// shows what finance entered.
type billingForm struct {
	MemberID                                      int64
	Version                                       int64
	InvoiceEmail, PaymentTermsDays, DebtorAccount string
}

// billingFormOf is the form of the stored settings.
func billingFormOf(b *invoice.Billing) billingForm {
	return billingForm{MemberID: b.OrgID, Version: b.Version, InvoiceEmail: b.InvoiceEmail,
		PaymentTermsDays: strconv.Itoa(b.PaymentTermsDays), DebtorAccount: b.DebtorAccount}
}

// billingFormFrom reads the posted form.
func billingFormFrom(c *fiber.Ctx) billingForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	return billingForm{InvoiceEmail: v("invoice_email"), PaymentTermsDays: v("payment_terms_days"), DebtorAccount: v("debtor_account")}
}

// input turns the form into domain input; the errors are those of
// reading it (the domain validates the rest).
func (f billingForm) input() (invoice.BillingInput, formErrors) {
	var errs formErrors
	in := invoice.BillingInput{InvoiceEmail: f.InvoiceEmail, DebtorAccount: f.DebtorAccount}
	if days := errs.count("payment_terms_days", f.PaymentTermsDays); days != nil {
		in.PaymentTermsDays = int(*days)
	} else if f.PaymentTermsDays == "" {
		errs.add("payment_terms_days", "Bitte das Zahlungsziel in Tagen angeben.")
	}
	return in, errs
}

// renderBillingForm shows a member's invoicing settings; err, if any, with its status and at its fields.
func (h *Handler) renderBillingForm(c *fiber.Ctx, f billingForm, err error) error {
	members, merr := h.Invoices.Members(c.UserContext(), *web.Principal(c))
	if merr != nil {
		return merr
	}
	var member *account.Organisation
	for i := range members {
		if members[i].ID == f.MemberID {
			member = &members[i]
		}
	}
	if member == nil {
		return apperr.New(apperr.NotFound, "Mitglied nicht gefunden.")
	}
	data := fiber.Map{"Title": "Rechnungseinstellungen " + member.Name, "F": f, "Member": member,
		"Default": invoice.DefaultPaymentTermsDays, "Errors": map[string]string{}}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		data["Errors"] = fieldMap(apperr.FieldsOf(err))
	}
	return h.Render(c, "billing", data)
}
