package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
)

// ProductInput is a product as the catalog manager enters it (form or
// API). Amounts are net cents.
type ProductInput struct {
	SKU                string `json:"sku"`
	Name               string `json:"name"`
	Description        string `json:"description"`
	CategoryID         *int64 `json:"category_id"`
	Kind               string `json:"kind"`
	Unit               string `json:"unit"`
	ListPriceCents     int64  `json:"list_price_cents"`
	VATPercent         int64  `json:"vat_percent"`
	VATExemptReason    string `json:"vat_exempt_reason"`
	Active             bool   `json:"active"`
	QuoteOnly          bool   `json:"quote_only"`
	RentalTermMonths   *int64 `json:"rental_term_months"`
	RentalMonthlyCents *int64 `json:"rental_monthly_cents"`
	RentalBuyoutCents  *int64 `json:"rental_buyout_cents"`
	// SetupRequired marks a service set up per unit (provisioning);
	// NoticeMonths (seat subscriptions) and EndReminderMonths (rentals)
	// are 0 to 24 months, nil keeps the default of 3.
	SetupRequired     bool   `json:"setup_required"`
	NoticeMonths      *int64 `json:"notice_months"`
	EndReminderMonths *int64 `json:"end_reminder_months"`
	// Availability is whether and when the product can be delivered
	// (issue 14); the zero value is in stock.
	Availability Availability `json:"availability"`
}

// DefaultMonths is the notice period and the rental end reminder of a
// product that names none (the database default of migration 0028).
const DefaultMonths = 3

// InputOf turns a stored product back into input, the starting point of an
// edit form or a partial update.
func InputOf(p *Product) ProductInput {
	return ProductInput{
		SKU: p.SKU, Name: p.Name, Description: p.Description, CategoryID: p.CategoryID, Kind: p.Kind, Unit: p.Unit,
		ListPriceCents: p.ListPriceCents, VATPercent: p.VATPercent, VATExemptReason: p.VATExemptReason, Active: p.Active, QuoteOnly: p.QuoteOnly,
		RentalTermMonths: p.RentalTermMonths, RentalMonthlyCents: p.RentalMonthlyCents, RentalBuyoutCents: p.RentalBuyoutCents,
		SetupRequired: p.SetupRequired, NoticeMonths: &p.NoticeMonths, EndReminderMonths: &p.EndReminderMonths,
		Availability: p.Availability(),
	}
}

// skuPattern is what an article number may consist of: it appears in CSV
// files, URLs of integrations and on documents.
var skuPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)

// VATRates are the rates a product may carry, in percent.
var VATRates = []int64{19, 7, 0}

// The reasons a product carries 0 % VAT, printed on every invoice line of
// it: a tax-exempt supply (§ 4 UStG) or a public body's supply that is
// not taxable (§ 2b UStG, e.g. inter-municipal cooperation).
const (
	VATExempt4      = "exempt_4"
	VATNotTaxable2b = "not_taxable_2b"
)

// VATExemptReasons lists the reasons, for forms and imports.
var VATExemptReasons = []string{VATExempt4, VATNotTaxable2b}

// VATExemptLabel is the German label of a reason, for forms and lists.
func VATExemptLabel(reason string) string {
	switch reason {
	case VATExempt4:
		return "steuerfrei nach § 4 UStG"
	case VATNotTaxable2b:
		return "nicht steuerbar nach § 2b UStG"
	}
	return ""
}

// normalize trims what people type around text fields.
func (in *ProductInput) normalize() {
	in.SKU = strings.TrimSpace(in.SKU)
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	in.Unit = strings.TrimSpace(in.Unit)
	in.Kind = strings.TrimSpace(in.Kind)
	in.VATExemptReason = strings.TrimSpace(in.VATExemptReason)
	if in.CategoryID != nil && *in.CategoryID == 0 {
		in.CategoryID = nil
	}
	in.Availability.normalize()
}

// Validate checks the input on its own (not against the database) and
// returns German messages per field; nil when it is fine.
func (in ProductInput) Validate() []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, msg string) { errs = append(errs, apperr.FieldError{Field: field, Message: msg}) }
	switch {
	case in.SKU == "":
		add("sku", "Bitte geben Sie eine Artikelnummer an.")
	case utf8.RuneCountInString(in.SKU) > 64:
		add("sku", "Die Artikelnummer darf höchstens 64 Zeichen lang sein.")
	case !skuPattern.MatchString(in.SKU):
		add("sku", "Die Artikelnummer darf nur Buchstaben, Ziffern und . _ - / enthalten.")
	}
	switch {
	case in.Name == "":
		add("name", "Bitte geben Sie eine Bezeichnung an.")
	case utf8.RuneCountInString(in.Name) > 200:
		add("name", "Die Bezeichnung darf höchstens 200 Zeichen lang sein.")
	}
	if utf8.RuneCountInString(in.Description) > 5000 {
		add("description", "Die Beschreibung darf höchstens 5000 Zeichen lang sein.")
	}
	if !validKind(in.Kind) {
		add("kind", "Bitte wählen Sie eine Art: Hardware, Dienstleistung, Mietmodell oder Arbeitsplatz/Lizenz.")
	}
	switch {
	case in.Unit == "":
		add("unit", "Bitte geben Sie eine Einheit an (z. B. Stück, Stunde, Nutzer/Monat).")
	case utf8.RuneCountInString(in.Unit) > 40:
		add("unit", "Die Einheit darf höchstens 40 Zeichen lang sein.")
	}
	switch {
	case in.ListPriceCents < 0:
		add("list_price_cents", "Der Listenpreis darf nicht negativ sein.")
	case in.ListPriceCents == 0 && !in.QuoteOnly:
		add("list_price_cents", "Bitte geben Sie einen Listenpreis an oder kennzeichnen Sie das Produkt als „Preis auf Anfrage“.")
	case in.ListPriceCents > 100_000_000_00:
		add("list_price_cents", "Der Listenpreis ist unplausibel hoch.")
	}
	if !validVAT(in.VATPercent) {
		add("vat_percent", "Der Mehrwertsteuersatz muss 19, 7 oder 0 Prozent betragen.")
	}
	switch {
	case in.VATPercent == 0 && in.VATExemptReason == "":
		add("vat_exempt_reason", "Bei 0 % Mehrwertsteuer bitte den Grund angeben: steuerfrei nach § 4 UStG oder nicht steuerbar nach § 2b UStG.")
	case in.VATPercent == 0 && VATExemptLabel(in.VATExemptReason) == "":
		add("vat_exempt_reason", "Unbekannter Grund: erlaubt sind steuerfrei nach § 4 UStG oder nicht steuerbar nach § 2b UStG.")
	case in.VATPercent != 0 && in.VATExemptReason != "":
		add("vat_exempt_reason", "Einen Grund für die Steuerbefreiung gibt es nur bei 0 % Mehrwertsteuer.")
	}
	if in.Kind == KindRental {
		if in.RentalTermMonths == nil || *in.RentalTermMonths < 1 || *in.RentalTermMonths > 120 {
			add("rental_term_months", "Ein Mietmodell braucht eine Laufzeit von 1 bis 120 Monaten.")
		}
		if in.RentalMonthlyCents == nil || *in.RentalMonthlyCents <= 0 {
			add("rental_monthly_cents", "Ein Mietmodell braucht eine Monatsrate.")
		}
		if in.RentalBuyoutCents != nil && *in.RentalBuyoutCents < 0 {
			add("rental_buyout_cents", "Der Ablösebetrag darf nicht negativ sein.")
		}
	} else {
		for field, v := range map[string]*int64{"rental_term_months": in.RentalTermMonths, "rental_monthly_cents": in.RentalMonthlyCents, "rental_buyout_cents": in.RentalBuyoutCents} {
			if v != nil {
				add(field, "Mietkonditionen gibt es nur bei Produkten der Art Mietmodell.")
			}
		}
	}
	if in.NoticeMonths != nil && (*in.NoticeMonths < 0 || *in.NoticeMonths > 24) {
		add("notice_months", "Die Kündigungsfrist beträgt 0 bis 24 Monate.")
	}
	if in.EndReminderMonths != nil && (*in.EndReminderMonths < 0 || *in.EndReminderMonths > 24) {
		add("end_reminder_months", "Die Erinnerung vor Mietende kommt 0 bis 24 Monate vorher.")
	}
	errs = append(errs, in.Availability.validate()...)
	sortFieldErrors(errs, productFieldOrder)
	return errs
}

var productFieldOrder = []string{"sku", "name", "description", "category_id", "kind", "unit", "list_price_cents", "vat_percent", "vat_exempt_reason", "rental_term_months", "rental_monthly_cents", "rental_buyout_cents",
	"notice_months", "end_reminder_months", "availability.state", "availability.lead_time_days", "availability.available_from"}

// sortFieldErrors puts field errors in the order of the form, so that
// messages do not jump around between attempts.
func sortFieldErrors(errs []apperr.FieldError, order []string) {
	pos := func(f string) int {
		for i, o := range order {
			if o == f {
				return i
			}
		}
		return len(order)
	}
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && pos(errs[j].Field) < pos(errs[j-1].Field); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func validVAT(v int64) bool {
	for _, r := range VATRates {
		if r == v {
			return true
		}
	}
	return false
}

// invalidProduct is the 422 of a product form.
func invalidProduct(fields []apperr.FieldError) error {
	return apperr.Fields("Das Produkt konnte nicht gespeichert werden. Bitte prüfen Sie die markierten Angaben.", fields...)
}

// checkProductRefs validates what needs the database: a unique SKU (other
// than the product's own, selfID) and an existing category.
func checkProductRefs(ctx context.Context, idb bun.IDB, in ProductInput, selfID int64) ([]apperr.FieldError, error) {
	var errs []apperr.FieldError
	taken, err := idb.NewSelect().Model((*Product)(nil)).Where("lower(sku) = lower(?) AND id <> ?", in.SKU, selfID).Exists(ctx)
	if err != nil {
		return nil, fmt.Errorf("check sku: %w", err)
	}
	if taken {
		errs = append(errs, apperr.FieldError{Field: "sku", Message: fmt.Sprintf("Die Artikelnummer %s ist bereits vergeben.", in.SKU)})
	}
	if in.CategoryID != nil {
		ok, err := idb.NewSelect().Model((*Category)(nil)).Where("id = ?", *in.CategoryID).Exists(ctx)
		if err != nil {
			return nil, fmt.Errorf("check category: %w", err)
		}
		if !ok {
			errs = append(errs, apperr.FieldError{Field: "category_id", Message: "Diese Kategorie gibt es nicht."})
		}
	}
	return errs, nil
}

// AddProduct validates and creates a product, with its audit entry, in one
// transaction (a savepoint when idb is one already).
func AddProduct(ctx context.Context, idb bun.IDB, actor audit.Actor, in ProductInput) (*Product, error) {
	in.normalize()
	if errs := in.Validate(); len(errs) > 0 {
		return nil, invalidProduct(errs)
	}
	var p *Product
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		errs, err := checkProductRefs(ctx, tx, in, 0)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return invalidProduct(errs)
		}
		p = &Product{}
		applyInput(p, in)
		notice, reminder := p.NoticeMonths, p.EndReminderMonths
		if err := CreateProduct(ctx, tx, p); err != nil {
			return err
		}
		// The months are nullzero on insert (0 takes the default and is
		// read back): write them as given, 0 included.
		p.NoticeMonths, p.EndReminderMonths = notice, reminder
		if err := saveMonths(ctx, tx, p); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "product.create", Entity: "product", EntityID: p.ID, Version: p.Version,
			Detail: map[string]any{"sku": p.SKU, "name": p.Name, "list_price_cents": p.ListPriceCents, "kind": p.Kind}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateProduct replaces the product's fields with in, provided the product
// is still at version; otherwise a Conflict, and nothing changes. The
// audit entry lists the fields that changed, old and new.
func UpdateProduct(ctx context.Context, idb bun.IDB, actor audit.Actor, id, version int64, in ProductInput) (*Product, error) {
	in.normalize()
	if errs := in.Validate(); len(errs) > 0 {
		return nil, invalidProduct(errs)
	}
	var p *Product
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		old, err := GetProduct(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return staleProduct(old)
		}
		errs, err := checkProductRefs(ctx, tx, in, id)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return invalidProduct(errs)
		}
		p = &Product{ID: old.ID, CreatedAt: old.CreatedAt}
		applyInput(p, in)
		changes := productChanges(old, p)
		if err := saveProduct(ctx, tx, p, version); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "product.update", Entity: "product", EntityID: p.ID, Version: p.Version, Detail: changes})
	})
	if err != nil {
		return nil, err
	}
	return GetProduct(ctx, idb, p.ID)
}

// DeactivateProduct takes a product out of the catalog (it stays on old
// orders and can be activated again by editing it).
func DeactivateProduct(ctx context.Context, idb bun.IDB, actor audit.Actor, id, version int64) (*Product, error) {
	var p *Product
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		old, err := GetProduct(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return staleProduct(old)
		}
		if !old.Active {
			return apperr.New(apperr.Conflict, "Das Produkt %s ist bereits deaktiviert.", old.SKU)
		}
		p = old
		p.Active = false
		if err := saveProduct(ctx, tx, p, version); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "product.deactivate", Entity: "product", EntityID: p.ID, Version: p.Version,
			Detail: map[string]any{"sku": p.SKU}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// saveProduct writes p if the row is still at version and counts the
// version up; 0 rows means someone else saved first.
func saveProduct(ctx context.Context, tx bun.IDB, p *Product, version int64) error {
	p.Version = version + 1
	p.UpdatedAt = time.Now().UTC()
	res, err := tx.NewUpdate().Model(p).
		Column("sku", "name", "description", "category_id", "kind", "unit", "list_price_cents", "vat_percent", "vat_exempt_reason", "active", "quote_only",
			"rental_term_months", "rental_monthly_cents", "rental_buyout_cents", "setup_required", "availability", "lead_time_days", "available_from",
			"version", "updated_at").
		Where("id = ? AND version = ?", p.ID, version).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update product %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		cur, err := GetProduct(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		return staleProduct(cur)
	}
	return saveMonths(ctx, tx, p)
}

// saveMonths writes the notice and reminder months as they are: the model
// marks them nullzero (0 takes the column default on insert), so a 0 the
// catalog manager entered is written explicitly.
func saveMonths(ctx context.Context, tx bun.IDB, p *Product) error {
	_, err := tx.NewUpdate().Table("products").
		Set("notice_months = ?, end_reminder_months = ?", p.NoticeMonths, p.EndReminderMonths).
		Where("id = ?", p.ID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("months of product %s: %w", p.SKU, err)
	}
	return nil
}

func staleProduct(cur *Product) error {
	return apperr.New(apperr.Conflict, "Das Produkt %s wurde inzwischen von jemand anderem geändert (jetzt Version %d). Bitte laden Sie es neu und tragen Sie Ihre Änderungen erneut ein.", cur.SKU, cur.Version)
}

func applyInput(p *Product, in ProductInput) {
	p.SKU, p.Name, p.Description, p.CategoryID = in.SKU, in.Name, in.Description, in.CategoryID
	p.Kind, p.Unit, p.ListPriceCents, p.VATPercent = in.Kind, in.Unit, in.ListPriceCents, in.VATPercent
	p.VATExemptReason = in.VATExemptReason
	p.Active, p.QuoteOnly = in.Active, in.QuoteOnly
	p.RentalTermMonths, p.RentalMonthlyCents, p.RentalBuyoutCents = in.RentalTermMonths, in.RentalMonthlyCents, in.RentalBuyoutCents
	p.SetupRequired, p.NoticeMonths, p.EndReminderMonths = in.SetupRequired, DefaultMonths, DefaultMonths
	p.AvailabilityState, p.LeadTimeDays, p.AvailableFrom = in.Availability.State, in.Availability.LeadTimeDays, in.Availability.AvailableFrom
	if in.NoticeMonths != nil {
		p.NoticeMonths = *in.NoticeMonths
	}
	if in.EndReminderMonths != nil {
		p.EndReminderMonths = *in.EndReminderMonths
	}
}

// productChanges lists the fields that differ, old and new, for the audit.
func productChanges(old, p *Product) map[string][2]any {
	a, b := InputOf(old), InputOf(p)
	out := map[string][2]any{}
	add := func(field string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			out[field] = [2]any{x, y}
		}
	}
	deref := func(v *int64) any {
		if v == nil {
			return nil
		}
		return *v
	}
	add("sku", a.SKU, b.SKU)
	add("name", a.Name, b.Name)
	add("description", a.Description, b.Description)
	add("category_id", deref(a.CategoryID), deref(b.CategoryID))
	add("kind", a.Kind, b.Kind)
	add("unit", a.Unit, b.Unit)
	add("list_price_cents", a.ListPriceCents, b.ListPriceCents)
	add("vat_percent", a.VATPercent, b.VATPercent)
	add("vat_exempt_reason", a.VATExemptReason, b.VATExemptReason)
	add("active", a.Active, b.Active)
	add("quote_only", a.QuoteOnly, b.QuoteOnly)
	add("rental_term_months", deref(a.RentalTermMonths), deref(b.RentalTermMonths))
	add("rental_monthly_cents", deref(a.RentalMonthlyCents), deref(b.RentalMonthlyCents))
	add("rental_buyout_cents", deref(a.RentalBuyoutCents), deref(b.RentalBuyoutCents))
	add("setup_required", a.SetupRequired, b.SetupRequired)
	add("notice_months", deref(a.NoticeMonths), deref(b.NoticeMonths))
	add("end_reminder_months", deref(a.EndReminderMonths), deref(b.EndReminderMonths))
	add("availability", a.Availability.Label(), b.Availability.Label())
	return out
}

// ProductBySKU finds a product by its article number (case-insensitive).
func ProductBySKU(ctx context.Context, idb bun.IDB, sku string) (*Product, error) {
	p := new(Product)
	err := idb.NewSelect().Model(p).Where("lower(p.sku) = lower(?)", strings.TrimSpace(sku)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Kein Produkt mit der Artikelnummer %s.", sku)
	}
	if err != nil {
		return nil, fmt.Errorf("product by sku %s: %w", sku, err)
	}
	return p, nil
}
