package invoice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/text"
)

// Provider is the legal and bank data of the provider organisation that
// § 14 UStG asks an invoice to print (admin edits them); every invoice
// keeps a snapshot as JSON.
type Provider struct {
	bun.BaseModel `bun:"table:provider_settings" json:"-"`

	OrgID           int64     `bun:"organisation_id,pk" json:"organisation_id"`
	LegalName       string    `bun:"legal_name" json:"legal_name"`
	Street          string    `bun:"street" json:"street"`
	Zip             string    `bun:"zip" json:"zip"`
	City            string    `bun:"city" json:"city"`
	VATID           string    `bun:"vat_id" json:"vat_id"`         // USt-IdNr.
	TaxNumber       string    `bun:"tax_number" json:"tax_number"` // Steuernummer
	RegisterEntry   string    `bun:"register_entry" json:"register_entry"`
	IBAN            string    `bun:"iban" json:"iban"`
	BIC             string    `bun:"bic" json:"bic"`
	BankName        string    `bun:"bank_name" json:"bank_name"`
	ContactName     string    `bun:"contact_name" json:"contact_name"`
	ContactPhone    string    `bun:"contact_phone" json:"contact_phone"`
	ContactEmail    string    `bun:"contact_email" json:"contact_email"`
	EInvoiceAddress string    `bun:"e_invoice_address" json:"e_invoice_address"` // electronic address (XRechnung BT-34)
	Version         int64     `bun:"version" json:"version"`
	UpdatedAt       time.Time `bun:"updated_at" json:"-"`
}

// ProviderInput is what admin edits of the provider's legal data.
type ProviderInput struct {
	LegalName, Street, Zip, City, VATID, TaxNumber, RegisterEntry string
	IBAN, BIC, BankName, ContactName, ContactPhone, ContactEmail  string
	EInvoiceAddress                                               string
}

// Billing is a member's invoicing settings (finance edits them): where
// invoices are mailed, the payment terms, the debtor account.
type Billing struct {
	bun.BaseModel `bun:"table:member_billing"`

	OrgID            int64     `bun:"organisation_id,pk"`
	InvoiceEmail     string    `bun:"invoice_email"`
	PaymentTermsDays int       `bun:"payment_terms_days"`
	DebtorAccount    string    `bun:"debtor_account"`
	Version          int64     `bun:"version"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

// BillingInput is what finance edits of a member's invoicing settings.
type BillingInput struct {
	InvoiceEmail     string
	PaymentTermsDays int
	DebtorAccount    string
}

// providerOrg is the provider organisation (the first of kind provider).
func providerOrg(ctx context.Context, idb bun.IDB) (*account.Organisation, error) {
	var o account.Organisation
	if err := idb.NewSelect().Model(&o).Where("kind = ?", account.KindProvider).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load provider: %w", err)
	}
	return &o, nil
}

// loadProvider reads the provider's legal data; a provider without a
// settings row gets its organisation's name and address, version 1.
func loadProvider(ctx context.Context, idb bun.IDB) (*Provider, error) {
	org, err := providerOrg(ctx, idb)
	if err != nil {
		return nil, err
	}
	p := &Provider{OrgID: org.ID}
	err = idb.NewSelect().Model(p).WherePK().Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return &Provider{OrgID: org.ID, LegalName: org.Name, Street: org.Street, Zip: org.Zip, City: org.City, ContactEmail: org.Email, Version: 1}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load provider settings: %w", err)
	}
	if p.LegalName == "" {
		p.LegalName = org.Name
	}
	return p, nil
}

// loadBilling reads a member's invoicing settings, the defaults when it
// has none.
func loadBilling(ctx context.Context, idb bun.IDB, memberID int64) (*Billing, error) {
	b := &Billing{OrgID: memberID}
	err := idb.NewSelect().Model(b).WherePK().Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return &Billing{OrgID: memberID, PaymentTermsDays: DefaultPaymentTermsDays, Version: 1}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load billing settings: %w", err)
	}
	return b, nil
}

// ProviderSettings returns the provider's legal and bank data to finance,
// auditor and admin.
func (s *Service) ProviderSettings(ctx context.Context, actor account.Principal) (*Provider, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("provider_settings")); err != nil {
		return nil, err
	}
	return loadProvider(ctx, s.DB)
}

// UpdateProviderSettings replaces the provider's legal and bank data
// (admin), guarded by the version the admin saw and audited. Invoices
// issued before keep their snapshot.
func (s *Service) UpdateProviderSettings(ctx context.Context, actor account.Principal, version int64, in ProviderInput) (*Provider, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("provider_settings")); err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	in.IBAN = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(in.IBAN), " ", ""))
	in.BIC = strings.ToUpper(strings.TrimSpace(in.BIC))
	var fe []apperr.FieldError
	check := func(field, v string, r text.Rule, required bool) string {
		v = strings.TrimSpace(v)
		if msg := text.Check(v, r); msg != "" {
			fe = append(fe, apperr.FieldError{Field: field, Message: msg})
		} else if required && v == "" {
			fe = append(fe, apperr.FieldError{Field: field, Message: "Bitte angeben."})
		}
		return v
	}
	p := &Provider{
		LegalName: check("legal_name", in.LegalName, text.Name, true), Street: check("street", in.Street, text.Name, true),
		Zip: check("zip", in.Zip, text.Code, true), City: check("city", in.City, text.Name, true),
		VATID: check("vat_id", in.VATID, text.Code, false), TaxNumber: check("tax_number", in.TaxNumber, text.Code, false),
		RegisterEntry: check("register_entry", in.RegisterEntry, text.Name, false),
		IBAN:          check("iban", in.IBAN, text.Code, true), BIC: check("bic", in.BIC, text.Code, false),
		BankName: check("bank_name", in.BankName, text.Name, false), ContactName: check("contact_name", in.ContactName, text.Name, false),
		ContactPhone: check("contact_phone", in.ContactPhone, text.Code, false), ContactEmail: check("contact_email", in.ContactEmail, text.Email, false),
		EInvoiceAddress: check("e_invoice_address", in.EInvoiceAddress, text.Email, false),
	}
	if p.VATID == "" && p.TaxNumber == "" {
		fe = append(fe, apperr.FieldError{Field: "vat_id", Message: "Eine Rechnung braucht die USt-IdNr. oder die Steuernummer (§ 14 UStG)."})
	}
	for _, e := range []struct{ field, v string }{{"contact_email", p.ContactEmail}, {"e_invoice_address", p.EInvoiceAddress}} {
		if e.v != "" && !strings.Contains(e.v, "@") && text.Check(e.v, text.Email) == "" {
			fe = append(fe, apperr.FieldError{Field: e.field, Message: "Bitte eine E-Mail-Adresse angeben."})
		}
	}
	if p.IBAN != "" && !ValidIBAN(p.IBAN) {
		fe = append(fe, apperr.FieldError{Field: "iban", Message: "Die IBAN ist ungültig (Prüfziffer)."})
	}
	if fe != nil {
		return nil, apperr.Fields("Bitte prüfen Sie die Rechnungsangaben des Anbieters.", fe...)
	}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		org, err := providerOrg(ctx, tx)
		if err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		p.OrgID, p.UpdatedAt = org.ID, now
		if _, err := tx.NewInsert().Model(&Provider{OrgID: org.ID, LegalName: org.Name, Version: 1, UpdatedAt: now}).
			On("CONFLICT (organisation_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("provider settings row: %w", err)
		}
		res, err := tx.NewUpdate().Model(p).
			Column("legal_name", "street", "zip", "city", "vat_id", "tax_number", "register_entry", "iban", "bic", "bank_name",
				"contact_name", "contact_phone", "contact_email", "e_invoice_address", "updated_at").
			Set("version = version + 1").
			Where("organisation_id = ? AND version = ?", org.ID, version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update provider settings: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Die Rechnungsangaben wurden inzwischen geändert. Bitte laden Sie die Seite neu.")
		}
		p.Version = version + 1
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "provider_settings.update", Entity: "organisation",
			EntityID: org.ID, Version: p.Version, OrgID: org.ID, Detail: map[string]any{"legal_name": p.LegalName, "iban": p.IBAN}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// MemberBilling returns a member's invoicing settings to finance and
// admin.
func (s *Service) MemberBilling(ctx context.Context, actor account.Principal, memberID int64) (*Billing, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.Object{Kind: "billing", ID: memberID, OrgID: memberID}); err != nil {
		return nil, err
	}
	if _, err := account.GetOrganisation(ctx, s.DB, memberID); err != nil {
		return nil, err
	}
	return loadBilling(ctx, s.DB, memberID)
}

// UpdateMemberBilling replaces a member's invoice e-mail, payment terms
// and debtor account (finance, admin), guarded by version and audited.
func (s *Service) UpdateMemberBilling(ctx context.Context, actor account.Principal, memberID, version int64, in BillingInput) (*Billing, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.Object{Kind: "billing", ID: memberID, OrgID: memberID}); err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	org, err := account.GetOrganisation(ctx, s.DB, memberID)
	if err != nil {
		return nil, err
	}
	if org.Kind != account.KindMember {
		return nil, apperr.New(apperr.NotFound, "Mitglied nicht gefunden.")
	}
	b := &Billing{OrgID: memberID, InvoiceEmail: strings.TrimSpace(in.InvoiceEmail), PaymentTermsDays: in.PaymentTermsDays,
		DebtorAccount: strings.TrimSpace(in.DebtorAccount)}
	var fe []apperr.FieldError
	if msg := text.Check(b.InvoiceEmail, text.Email); msg != "" {
		fe = append(fe, apperr.FieldError{Field: "invoice_email", Message: msg})
	} else if b.InvoiceEmail != "" && !strings.Contains(b.InvoiceEmail, "@") {
		fe = append(fe, apperr.FieldError{Field: "invoice_email", Message: "Bitte eine E-Mail-Adresse angeben."})
	}
	if b.PaymentTermsDays < 0 || b.PaymentTermsDays > 365 {
		fe = append(fe, apperr.FieldError{Field: "payment_terms_days", Message: "Das Zahlungsziel muss zwischen 0 und 365 Tagen liegen."})
	}
	if msg := text.Check(b.DebtorAccount, text.Code); msg != "" {
		fe = append(fe, apperr.FieldError{Field: "debtor_account", Message: msg})
	} else if b.DebtorAccount != "" {
		// A DATEV personal account: digits, one more than the provider's
		// Sachkontenlänge (finance_settings.go).
		d, err := loadDATEV(ctx, s.DB)
		if err != nil {
			return nil, err
		}
		if !digitsOnly(b.DebtorAccount) || len(b.DebtorAccount) != d.AccountLength+1 {
			fe = append(fe, apperr.FieldError{Field: "debtor_account", Message: fmt.Sprintf(
				"Das Debitorenkonto muss aus %d Ziffern bestehen (Sachkontenlänge %d plus eine Stelle).", d.AccountLength+1, d.AccountLength)})
		}
	}
	if fe != nil {
		return nil, apperr.Fields("Bitte prüfen Sie die Rechnungseinstellungen.", fe...)
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := s.Clock.Now().UTC()
		b.UpdatedAt = now
		if _, err := tx.NewInsert().Model(&Billing{OrgID: memberID, PaymentTermsDays: DefaultPaymentTermsDays, Version: 1, UpdatedAt: now}).
			On("CONFLICT (organisation_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("billing settings row: %w", err)
		}
		res, err := tx.NewUpdate().Model(b).Column("invoice_email", "payment_terms_days", "debtor_account", "updated_at").
			Set("version = version + 1").Where("organisation_id = ? AND version = ?", memberID, version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update billing settings: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Die Rechnungseinstellungen von %s wurden inzwischen geändert. Bitte laden Sie die Seite neu.", org.Name)
		}
		b.Version = version + 1
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "billing.update", Entity: "organisation",
			EntityID: memberID, Version: b.Version, OrgID: memberID, Detail: map[string]any{"invoice_email": b.InvoiceEmail,
				"payment_terms_days": b.PaymentTermsDays, "debtor_account": b.DebtorAccount}})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// ValidIBAN checks an IBAN's length and its ISO 7064 mod-97 check digits.
func ValidIBAN(iban string) bool {
	if len(iban) < 15 || len(iban) > 34 {
		return false
	}
	rearranged := iban[4:] + iban[:4]
	rem := 0
	for _, c := range rearranged {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}
