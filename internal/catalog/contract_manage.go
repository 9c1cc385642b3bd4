package catalog

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
)

// ContractInput is a framework contract as the catalog manager enters it.
// Dates are text as typed ("31.12.2027" or "2027-12-31"), so that a wrong
// date is a field error like any other.
type ContractInput struct {
	Number     string      `json:"number"`
	Title      string      `json:"title"`
	Supplier   string      `json:"supplier"`
	ValidFrom  string      `json:"valid_from"`
	ValidTo    string      `json:"valid_to"`
	AllMembers bool        `json:"all_members"`
	Active     bool        `json:"active"`
	MemberIDs  []int64     `json:"member_ids"`
	Lines      []LineInput `json:"lines"`

	// SupplierEmail is the supplier's order e-mail: with it, the lines of
	// a confirmed order under this contract become a purchase order to
	// the supplier, delivered straight to the member (Streckengeschäft).
	SupplierEmail string `json:"supplier_email"`
}

// LineInput is one contract line: the product by id or by SKU, the
// contract price (net cents per unit), quotas (nil: unlimited) and the
// minimum quantity per order (0 counts as 1).
type LineInput struct {
	ProductID      int64  `json:"product_id"`
	SKU            string `json:"sku"`
	PriceCents     int64  `json:"price_cents"`
	QuotaTotal     *int64 `json:"quota_total"`
	QuotaPerMember *int64 `json:"quota_per_member"`
	MinQuantity    int64  `json:"min_quantity"`
}

// ContractInputOf turns a stored contract back into input, for edit forms
// and partial updates.
func ContractInputOf(c *Contract) ContractInput {
	in := ContractInput{
		Number: c.Number, Title: c.Title, Supplier: c.Supplier, ValidFrom: c.ValidFrom.String(), ValidTo: c.ValidTo.String(),
		AllMembers: c.AllMembers, Active: c.Active, MemberIDs: append([]int64(nil), c.Members...),
	}
	in.SupplierEmail = c.SupplierEmail
	for _, l := range c.Lines {
		li := LineInput{ProductID: l.ProductID, PriceCents: l.PriceCents, QuotaTotal: l.QuotaTotal, QuotaPerMember: l.QuotaPerMember, MinQuantity: l.MinQuantity}
		if l.Product != nil {
			li.SKU = l.Product.SKU
		}
		in.Lines = append(in.Lines, li)
	}
	return in
}

// checkedContract is valid input with parsed dates and resolved products.
type checkedContract struct {
	ContractInput
	from, to calendar.Date
	products []*Product // per line
}

func (in *ContractInput) normalize() {
	in.Number = strings.TrimSpace(in.Number)
	in.Title = strings.TrimSpace(in.Title)
	in.Supplier = strings.TrimSpace(in.Supplier)
	in.SupplierEmail = strings.TrimSpace(in.SupplierEmail)
	for i := range in.Lines {
		in.Lines[i].SKU = strings.TrimSpace(in.Lines[i].SKU)
		if in.Lines[i].MinQuantity == 0 {
			in.Lines[i].MinQuantity = 1
		}
	}
	if in.AllMembers {
		in.MemberIDs = nil
	}
}

func lineField(i int, name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }

// check validates the input, looking up products and members (inside the
// caller's transaction). selfID is the contract being edited, 0 for a new
// one.
func (in ContractInput) check(ctx context.Context, idb bun.IDB, selfID int64) (*checkedContract, error) {
	var errs []apperr.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	cc := &checkedContract{ContractInput: in}
	switch {
	case in.Number == "":
		add("number", "Bitte geben Sie eine Vertragsnummer an (z. B. RV-2026-NB-01).")
	case utf8.RuneCountInString(in.Number) > 40 || !skuPattern.MatchString(in.Number):
		add("number", "Die Vertragsnummer darf höchstens 40 Zeichen aus Buchstaben, Ziffern und . _ - / haben.")
	default:
		taken, err := idb.NewSelect().Model((*Contract)(nil)).Where("lower(number) = lower(?) AND id <> ?", in.Number, selfID).Exists(ctx)
		if err != nil {
			return nil, fmt.Errorf("check contract number: %w", err)
		}
		if taken {
			add("number", "Die Vertragsnummer %s ist bereits vergeben.", in.Number)
		}
	}
	switch {
	case in.Title == "":
		add("title", "Bitte geben Sie einen Titel an.")
	case utf8.RuneCountInString(in.Title) > 200:
		add("title", "Der Titel darf höchstens 200 Zeichen lang sein.")
	}
	if utf8.RuneCountInString(in.Supplier) > 200 {
		add("supplier", "Der Lieferant darf höchstens 200 Zeichen lang sein.")
	}
	if in.SupplierEmail != "" {
		if a, err := mail.ParseAddress(in.SupplierEmail); err != nil || a.Address != in.SupplierEmail || len(in.SupplierEmail) > 254 {
			add("supplier_email", "Bitte geben Sie die Bestelladresse des Lieferanten als E-Mail-Adresse an (z. B. auftrag@lieferant.example).")
		} else if in.Supplier == "" {
			add("supplier", "Mit einer Bestelladresse braucht der Vertrag den Namen des Lieferanten (er steht auf der Bestellung).")
		}
	}
	var err error
	if cc.from, err = calendar.Parse(in.ValidFrom); err != nil {
		add("valid_from", "Bitte geben Sie den Beginn als Datum an (TT.MM.JJJJ).")
	}
	if cc.to, err = calendar.Parse(in.ValidTo); err != nil {
		add("valid_to", "Bitte geben Sie das Ende als Datum an (TT.MM.JJJJ).")
	}
	if !cc.from.IsZero() && !cc.to.IsZero() && cc.to.Before(cc.from) {
		add("valid_to", "Das Vertragsende liegt vor dem Beginn.")
	}
	if !in.AllMembers {
		if len(in.MemberIDs) == 0 {
			add("member_ids", "Bitte wählen Sie die berechtigten Mitglieder oder „alle Mitglieder“.")
		}
		seen := map[int64]bool{}
		for _, id := range in.MemberIDs {
			if seen[id] {
				add("member_ids", "Ein Mitglied ist doppelt gewählt.")
				break
			}
			seen[id] = true
			o, err := account.GetOrganisation(ctx, idb, id)
			if apperr.CodeOf(err) == apperr.NotFound || err == nil && o.Kind != account.KindMember {
				add("member_ids", "Die Organisation %d ist kein Mitglied.", id)
				continue
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if len(in.Lines) == 0 {
		add("lines", "Ein Rahmenvertrag braucht mindestens eine Position.")
	}
	seenProduct := map[int64]int{}
	for i, l := range in.Lines {
		var p *Product
		switch {
		case l.ProductID != 0:
			p, err = GetProduct(ctx, idb, l.ProductID)
		case l.SKU != "":
			p, err = ProductBySKU(ctx, idb, l.SKU)
		default:
			err = apperr.New(apperr.NotFound, "Bitte geben Sie die Artikelnummer an.")
		}
		switch {
		case apperr.CodeOf(err) == apperr.NotFound:
			if l.SKU != "" || l.ProductID == 0 {
				add(lineField(i, "sku"), "Position %d: %s", i+1, apperr.MessageOf(err))
			} else {
				add(lineField(i, "product_id"), "Position %d: Produkt %d nicht gefunden.", i+1, l.ProductID)
			}
		case err != nil:
			return nil, err
		default:
			if prev, dup := seenProduct[p.ID]; dup {
				add(lineField(i, "sku"), "Position %d: %s steht schon in Position %d.", i+1, p.SKU, prev+1)
			}
			seenProduct[p.ID] = i
		}
		cc.products = append(cc.products, p)
		if l.PriceCents < 0 {
			add(lineField(i, "price_cents"), "Position %d: Der Vertragspreis darf nicht negativ sein.", i+1)
		}
		if l.QuotaTotal != nil && *l.QuotaTotal < 0 {
			add(lineField(i, "quota_total"), "Position %d: Das Gesamtkontingent darf nicht negativ sein.", i+1)
		}
		if l.QuotaPerMember != nil && *l.QuotaPerMember < 0 {
			add(lineField(i, "quota_per_member"), "Position %d: Das Kontingent je Mitglied darf nicht negativ sein.", i+1)
		}
		if l.QuotaTotal != nil && l.QuotaPerMember != nil && *l.QuotaPerMember > *l.QuotaTotal {
			add(lineField(i, "quota_per_member"), "Position %d: Das Kontingent je Mitglied ist größer als das Gesamtkontingent.", i+1)
		}
		if l.MinQuantity < 1 {
			add(lineField(i, "min_quantity"), "Position %d: Die Mindestmenge muss mindestens 1 sein.", i+1)
		}
	}
	if len(errs) > 0 {
		return nil, invalidContract(errs)
	}
	return cc, nil
}

func invalidContract(fields []apperr.FieldError) error {
	return apperr.Fields("Der Rahmenvertrag konnte nicht gespeichert werden. Bitte prüfen Sie die markierten Angaben.", fields...)
}

// AddContract validates and creates a framework contract with its lines
// and eligible members, and its audit entry, in one transaction.
func AddContract(ctx context.Context, idb bun.IDB, actor audit.Actor, in ContractInput) (*Contract, error) {
	in.normalize()
	var id int64
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cc, err := in.check(ctx, tx, 0)
		if err != nil {
			return err
		}
		c := &Contract{Number: cc.Number, Title: cc.Title, Supplier: cc.Supplier, SupplierEmail: cc.SupplierEmail, ValidFrom: cc.from, ValidTo: cc.to,
			AllMembers: cc.AllMembers, Active: cc.Active, Members: cc.MemberIDs}
		for i, l := range cc.Lines {
			c.Lines = append(c.Lines, &ContractLine{ProductID: cc.products[i].ID, PriceCents: l.PriceCents,
				QuotaTotal: l.QuotaTotal, QuotaPerMember: l.QuotaPerMember, MinQuantity: l.MinQuantity})
		}
		if err := CreateContract(ctx, tx, c); err != nil {
			return err
		}
		id = c.ID
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "contract.create", Entity: "contract", EntityID: c.ID, Version: c.Version,
			Detail: map[string]any{"number": c.Number, "lines": lineSummary(cc), "all_members": c.AllMembers, "member_ids": c.Members}})
	})
	if err != nil {
		return nil, err
	}
	return GetContract(ctx, idb, id)
}

// UpdateContract replaces the contract's header, lines and members with in,
// provided it is still at version. Lines are matched by product: kept lines
// keep their usage, a quota cannot drop below what was already ordered,
// and a line that was ordered from cannot be removed.
func UpdateContract(ctx context.Context, idb bun.IDB, actor audit.Actor, id, version int64, in ContractInput) (*Contract, error) {
	in.normalize()
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		old, err := GetContract(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return staleContract(old)
		}
		cc, err := in.check(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.NewUpdate().Model((*Contract)(nil)).
			Set("number = ?, title = ?, supplier = ?, valid_from = ?, valid_to = ?, all_members = ?, active = ?, version = version + 1",
				cc.Number, cc.Title, cc.Supplier, cc.from.String(), cc.to.String(), cc.AllMembers, cc.Active).
			Set("supplier_email = ?", cc.SupplierEmail).
			Where("id = ? AND version = ?", id, version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update contract %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			cur, err := GetContract(ctx, tx, id)
			if err != nil {
				return err
			}
			return staleContract(cur)
		}
		if err := replaceLines(ctx, tx, old, cc); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*contractMember)(nil)).Where("contract_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("replace contract members: %w", err)
		}
		for _, m := range cc.MemberIDs {
			if _, err := tx.NewInsert().Model(&contractMember{ContractID: id, OrgID: m}).Exec(ctx); err != nil {
				return fmt.Errorf("add contract member: %w", err)
			}
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "contract.update", Entity: "contract", EntityID: id, Version: version + 1,
			Detail: contractChanges(old, cc)})
	})
	if err != nil {
		return nil, err
	}
	return GetContract(ctx, idb, id)
}

// replaceLines brings the stored lines in line with the input.
func replaceLines(ctx context.Context, tx bun.Tx, old *Contract, cc *checkedContract) error {
	byProduct := map[int64]*ContractLine{}
	for _, l := range old.Lines {
		byProduct[l.ProductID] = l
	}
	var errs []apperr.FieldError
	keep := map[int64]bool{}
	for i, l := range cc.Lines {
		p := cc.products[i]
		cur, ok := byProduct[p.ID]
		if !ok {
			nl := &ContractLine{ContractID: old.ID, ProductID: p.ID, PriceCents: l.PriceCents, QuotaTotal: l.QuotaTotal, QuotaPerMember: l.QuotaPerMember, MinQuantity: l.MinQuantity}
			if _, err := tx.NewInsert().Model(nl).Exec(ctx); err != nil {
				return fmt.Errorf("add contract line: %w", err)
			}
			continue
		}
		keep[cur.ID] = true
		// The quota check and the write are one statement, so a quota
		// reserved concurrently (quota.go) is seen.
		res, err := tx.NewUpdate().Model((*ContractLine)(nil)).
			Set("price_cents = ?, quota_total = ?, quota_per_member = ?, min_quantity = ?", l.PriceCents, l.QuotaTotal, l.QuotaPerMember, l.MinQuantity).
			Where("id = ?", cur.ID).
			Where("(? IS NULL OR used_total <= ?)", l.QuotaTotal, l.QuotaTotal).
			Where("(? IS NULL OR NOT EXISTS (SELECT 1 FROM contract_line_usage AS u WHERE u.contract_line_id = cl.id AND u.used > ?))", l.QuotaPerMember, l.QuotaPerMember).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("update contract line: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			errs = append(errs, apperr.FieldError{Field: lineField(i, "quota_total"),
				Message: fmt.Sprintf("Position %d: %s – das Kontingent ist kleiner als die bereits abgerufene Menge.", i+1, p.SKU)})
			continue
		}
		// A smaller total may pass a threshold of the quota watch.
		if err := watch(ctx, tx, cur.ID, 0); err != nil {
			return err
		}
	}
	for _, l := range old.Lines {
		if keep[l.ID] {
			continue
		}
		used, err := tx.NewSelect().Table("contract_line_usage").Where("contract_line_id = ? AND used > 0", l.ID).Exists(ctx)
		if err != nil {
			return err
		}
		// Order lines keep the contract line they were priced by (a
		// foreign key since migration 0010), also after their quota was
		// given back.
		ordered, err := tx.NewSelect().Table("order_lines").Where("contract_line_id = ?", l.ID).Exists(ctx)
		if err != nil {
			return err
		}
		if used || ordered || l.UsedTotal > 0 {
			sku := fmt.Sprint(l.ProductID)
			if l.Product != nil {
				sku = l.Product.SKU
			}
			errs = append(errs, apperr.FieldError{Field: "lines",
				Message: fmt.Sprintf("Die Position %s wurde bereits abgerufen und kann nicht entfernt werden (Kontingent stattdessen auf die abgerufene Menge setzen).", sku)})
			continue
		}
		if _, err := tx.NewDelete().Model((*ContractLine)(nil)).Where("id = ?", l.ID).Exec(ctx); err != nil {
			return fmt.Errorf("remove contract line: %w", err)
		}
	}
	if len(errs) > 0 {
		return invalidContract(errs)
	}
	// A quota per member changed moves the members' levels.
	return rewatch(ctx, tx, []int64{old.ID})
}

func staleContract(cur *Contract) error {
	return apperr.New(apperr.Conflict, "Der Rahmenvertrag %s wurde inzwischen von jemand anderem geändert (jetzt Version %d). Bitte laden Sie ihn neu und tragen Sie Ihre Änderungen erneut ein.", cur.Number, cur.Version)
}

// lineSummary lists the lines for the audit detail.
func lineSummary(cc *checkedContract) []map[string]any {
	out := make([]map[string]any, 0, len(cc.Lines))
	for i, l := range cc.Lines {
		out = append(out, map[string]any{"sku": cc.products[i].SKU, "price_cents": l.PriceCents, "quota_total": l.QuotaTotal,
			"quota_per_member": l.QuotaPerMember, "min_quantity": l.MinQuantity})
	}
	return out
}

// contractChanges describes an update for the audit: changed header
// fields (old, new), and the lines and members after it.
func contractChanges(old *Contract, cc *checkedContract) map[string]any {
	out := map[string]any{}
	header := map[string][2]any{}
	add := func(field string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			header[field] = [2]any{x, y}
		}
	}
	add("number", old.Number, cc.Number)
	add("title", old.Title, cc.Title)
	add("supplier", old.Supplier, cc.Supplier)
	add("supplier_email", old.SupplierEmail, cc.SupplierEmail)
	add("valid_from", old.ValidFrom.String(), cc.from.String())
	add("valid_to", old.ValidTo.String(), cc.to.String())
	add("all_members", old.AllMembers, cc.AllMembers)
	add("active", old.Active, cc.Active)
	if len(header) > 0 {
		out["changed"] = header
	}
	out["lines"] = lineSummary(cc)
	out["member_ids"] = cc.MemberIDs
	return out
}
