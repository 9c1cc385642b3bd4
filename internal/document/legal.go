package document

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// Legal is the provider's legal data every business letter prints in its
// footer (§ 35a GmbHG, § 14 UStG): the same on quotations, order
// requests, confirmations, delivery notes and invoices. They are the
// provider settings of the invoicing issue (table provider_settings,
// edited by admin through internal/invoice); this read-only view lets the
// order and quote documents print them without importing finance.
type Legal struct {
	bun.BaseModel `bun:"table:provider_settings"`

	OrgID           int64  `bun:"organisation_id,pk"`
	LegalName       string `bun:"legal_name"`
	Street          string `bun:"street"`
	Zip             string `bun:"zip"`
	City            string `bun:"city"`
	VATID           string `bun:"vat_id"`
	TaxNumber       string `bun:"tax_number"`
	RegisterEntry   string `bun:"register_entry"` // register court and number, managing directors
	IBAN            string `bun:"iban"`
	BIC             string `bun:"bic"`
	BankName        string `bun:"bank_name"`
	ContactName     string `bun:"contact_name"`
	ContactPhone    string `bun:"contact_phone"`
	ContactEmail    string `bun:"contact_email"`
	EInvoiceAddress string `bun:"e_invoice_address"`
}

// LoadLegal reads the legal data of the provider organisation orgID; ok is
// false when none are stored yet (the caller then prints the
// organisation's address only).
func LoadLegal(ctx context.Context, idb bun.IDB, orgID int64) (l *Legal, ok bool, err error) {
	l = &Legal{OrgID: orgID}
	err = idb.NewSelect().Model(l).WherePK().Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("load the provider's legal data: %w", err)
	}
	return l, true, nil
}

// Footer lays the legal data out in the three footer columns: who (name,
// address, register), tax and contact, bank. Empty fields are left out.
func (l Legal) Footer() []string {
	join := func(parts ...string) string {
		var out []string
		for _, s := range parts {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return strings.Join(out, "\n")
	}
	prefixed := func(prefix, v string) string {
		if strings.TrimSpace(v) == "" {
			return ""
		}
		return prefix + v
	}
	cols := []string{
		join(l.LegalName, l.Street, strings.TrimSpace(l.Zip+" "+l.City), l.RegisterEntry),
		join(prefixed("USt-IdNr. ", l.VATID), prefixed("Steuernummer ", l.TaxNumber), prefixed("E-Rechnung an ", l.EInvoiceAddress),
			prefixed("Ansprechpartner ", strings.TrimSpace(l.ContactName+" "+l.ContactPhone))),
		join(l.BankName, prefixed("IBAN ", FormatIBAN(l.IBAN)), prefixed("BIC ", l.BIC)),
	}
	out := cols[:0]
	for _, c := range cols {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// FormatIBAN groups an IBAN in fours, as printed.
func FormatIBAN(iban string) string {
	var b strings.Builder
	for i, c := range strings.ReplaceAll(iban, " ", "") {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
