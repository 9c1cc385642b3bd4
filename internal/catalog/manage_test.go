package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

var manager = audit.Actor{UserID: 0, Email: "katalog@kid.example"}

func validProduct() catalog.ProductInput {
	return catalog.ProductInput{SKU: "HS-USB-1", Name: "Headset USB, beidseitig", Kind: "hardware", Unit: "Stück", ListPriceCents: 5990, VATPercent: 19, Active: true}
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, f := range apperr.FieldsOf(err) {
		out[f.Field] = f.Message
	}
	return out
}

func auditActions(t *testing.T, bdb *bun.DB, entity string, id int64) []string {
	t.Helper()
	entries, err := audit.List(context.Background(), bdb, audit.Filter{Entity: entity, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		out = append(out, entries[i].Action)
	}
	return out
}

func TestProductValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		newFixture(t, bdb)
		missingCat := int64(999)
		tests := []struct {
			name  string
			edit  func(*catalog.ProductInput)
			field string
			msg   string
		}{
			{"no SKU", func(p *catalog.ProductInput) { p.SKU = "  " }, "sku", "Artikelnummer"},
			{"SKU with spaces", func(p *catalog.ProductInput) { p.SKU = "HS USB" }, "sku", "nur Buchstaben"},
			{"SKU taken, other case", func(p *catalog.ProductInput) { p.SKU = "nb-14" }, "sku", "bereits vergeben"},
			{"no name", func(p *catalog.ProductInput) { p.Name = "" }, "name", "Bezeichnung"},
			{"unknown kind", func(p *catalog.ProductInput) { p.Kind = "lease" }, "kind", "Art"},
			{"no unit", func(p *catalog.ProductInput) { p.Unit = "" }, "unit", "Einheit"},
			{"no list price", func(p *catalog.ProductInput) { p.ListPriceCents = 0 }, "list_price_cents", "Listenpreis"},
			{"negative price", func(p *catalog.ProductInput) { p.ListPriceCents = -1 }, "list_price_cents", "negativ"},
			{"VAT 16", func(p *catalog.ProductInput) { p.VATPercent = 16 }, "vat_percent", "19, 7 oder 0"},
			{"0 % without reason", func(p *catalog.ProductInput) { p.VATPercent = 0 }, "vat_exempt_reason", "Grund angeben"},
			{"0 % with unknown reason", func(p *catalog.ProductInput) { p.VATPercent, p.VATExemptReason = 0, "exempt_99" }, "vat_exempt_reason", "Unbekannter Grund"},
			{"reason at 19 %", func(p *catalog.ProductInput) { p.VATExemptReason = catalog.VATExempt4 }, "vat_exempt_reason", "nur bei 0 %"},
			{"unknown category", func(p *catalog.ProductInput) { p.CategoryID = &missingCat }, "category_id", "Kategorie"},
			{"rental without term", func(p *catalog.ProductInput) { p.Kind = "rental" }, "rental_term_months", "Laufzeit"},
			{"rental terms on hardware", func(p *catalog.ProductInput) { m := int64(36); p.RentalTermMonths = &m }, "rental_term_months", "nur bei"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := validProduct()
				tt.edit(&in)
				_, err := catalog.AddProduct(ctx, bdb, manager, in)
				if apperr.CodeOf(err) != apperr.Invalid {
					t.Fatalf("err %v, want invalid", err)
				}
				if msg := fieldsOf(err)[tt.field]; !strings.Contains(msg, tt.msg) {
					t.Fatalf("field %s: %q lacks %q (all: %v)", tt.field, msg, tt.msg, fieldsOf(err))
				}
			})
		}
		// Quote-only products need no list price.
		in := validProduct()
		in.ListPriceCents, in.QuoteOnly = 0, true
		if _, err := catalog.AddProduct(ctx, bdb, manager, in); err != nil {
			t.Fatal(err)
		}
		// A 0 % product with its reason is stored with it and keeps it
		// through an edit; a rate above 0 then refuses the reason.
		for i, reason := range catalog.VATExemptReasons {
			in := validProduct()
			in.SKU, in.VATPercent, in.VATExemptReason = fmt.Sprintf("IKZ-%d", i), 0, " "+reason+" "
			p, err := catalog.AddProduct(ctx, bdb, manager, in)
			if err != nil {
				t.Fatalf("%s: %v", reason, err)
			}
			got, err := catalog.GetProduct(ctx, bdb, p.ID)
			if err != nil || got.VATExemptReason != reason || catalog.InputOf(got).VATExemptReason != reason {
				t.Fatalf("%s stored as %q: %v", reason, got.VATExemptReason, err)
			}
			up := catalog.InputOf(got)
			up.VATPercent = 19
			if _, err := catalog.UpdateProduct(ctx, bdb, manager, p.ID, got.Version, up); fieldsOf(err)["vat_exempt_reason"] == "" {
				t.Fatalf("19 %% with reason %s: %v", reason, err)
			}
			up.VATExemptReason = ""
			if p2, err := catalog.UpdateProduct(ctx, bdb, manager, p.ID, got.Version, up); err != nil || p2.VATExemptReason != "" || p2.VATPercent != 19 {
				t.Fatalf("to 19 %%: %+v %v", p2, err)
			}
		}
	})
}

func TestProductLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		newFixture(t, bdb)
		p, err := catalog.AddProduct(ctx, bdb, manager, validProduct())
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 1 || !p.Active {
			t.Fatalf("created %+v", p)
		}
		in := catalog.InputOf(p)
		in.ListPriceCents = 4990
		in.Name = "Headset USB, beidseitig, Geräuschunterdrückung"
		p2, err := catalog.UpdateProduct(ctx, bdb, manager, p.ID, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if p2.Version != 2 || p2.ListPriceCents != 4990 {
			t.Fatalf("updated %+v", p2)
		}
		// Someone who loaded version 1 saves later: conflict, nothing written.
		stale := catalog.InputOf(p)
		stale.Name = "Überschrieben"
		_, err = catalog.UpdateProduct(ctx, bdb, manager, p.ID, 1, stale)
		if apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(apperr.MessageOf(err), "inzwischen") {
			t.Fatalf("stale update: %v", err)
		}
		if cur, _ := catalog.GetProduct(ctx, bdb, p.ID); cur.Name != in.Name || cur.Version != 2 {
			t.Fatalf("stale update changed the product: %+v", cur)
		}
		// The index follows the rename.
		page, err := catalog.Search(ctx, bdb, catalog.Filter{Q: "Geräuschunterdrückung"})
		if err != nil || len(page.Products) != 1 {
			t.Fatalf("search after update: %v %v", page, err)
		}
		if _, err := catalog.DeactivateProduct(ctx, bdb, manager, p.ID, 1); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale deactivate: %v", err)
		}
		p3, err := catalog.DeactivateProduct(ctx, bdb, manager, p.ID, 2)
		if err != nil || p3.Active || p3.Version != 3 {
			t.Fatalf("deactivate: %+v %v", p3, err)
		}
		if _, err := catalog.Resolve(ctx, bdb, 1, p.ID, calendar.MustParse("2026-11-22"), 1); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a deactivated product still has a price: %v", err)
		}
		got := strings.Join(auditActions(t, bdb, "product", p.ID), " ")
		if got != "product.create product.update product.deactivate" {
			t.Fatalf("audit %q", got)
		}
		entries, _ := audit.List(ctx, bdb, audit.Filter{Entity: "product", EntityID: p.ID})
		if upd := entries[1]; upd.EntityVersion != 2 || !strings.Contains(upd.Detail, `"list_price_cents":[5990,4990]`) || upd.ActorEmail != manager.Email {
			t.Fatalf("update audit entry %+v", upd)
		}
	})
}

func TestContractLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		in := catalog.ContractInput{
			Number: "RV-2026-TEST", Title: "Testvertrag Zubehör", Supplier: "Bechtle", ValidFrom: "01.01.2026", ValidTo: "2027-12-31",
			Active: true, MemberIDs: []int64{f.boerde},
			Lines: []catalog.LineInput{
				{SKU: "nb-14", PriceCents: 80000, QuotaTotal: ptr(20), QuotaPerMember: ptr(10)},
				{ProductID: f.products["MON-27"].ID, PriceCents: 14000, MinQuantity: 3},
			},
		}
		c, err := catalog.AddContract(ctx, bdb, manager, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.Version != 1 || len(c.Lines) != 2 || c.Lines[0].MinQuantity != 1 || c.ValidFrom.String() != "2026-01-01" || len(c.Members) != 1 {
			t.Fatalf("created %+v", c)
		}
		// Börde orders 8 notebooks under it.
		if err := catalog.Reserve(ctx, bdb, c.Lines[0].ID, f.boerde, 8); err != nil {
			t.Fatal(err)
		}
		edit := catalog.ContractInputOf(c)
		edit.Lines[0].QuotaTotal, edit.Lines[0].QuotaPerMember = ptr(7), ptr(7) // below the 8 ordered
		_, err = catalog.UpdateContract(ctx, bdb, manager, c.ID, 1, edit)
		if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(fieldsOf(err)["lines[0].quota_total"], "bereits abgerufen") {
			t.Fatalf("quota below usage: %v %v", err, fieldsOf(err))
		}
		edit = catalog.ContractInputOf(c)
		edit.Lines = edit.Lines[1:] // drop the notebook line that was ordered from
		_, err = catalog.UpdateContract(ctx, bdb, manager, c.ID, 1, edit)
		if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(fieldsOf(err)["lines"], "NB-14") {
			t.Fatalf("remove used line: %v %v", err, fieldsOf(err))
		}
		// A valid edit: raise the quota, swap the monitor for the thin client,
		// open it to all members.
		edit = catalog.ContractInputOf(c)
		edit.Lines[0].QuotaTotal = ptr(30)
		edit.Lines[1] = catalog.LineInput{SKU: "TC-1", PriceCents: 27000}
		edit.AllMembers = true
		c2, err := catalog.UpdateContract(ctx, bdb, manager, c.ID, 1, edit)
		if err != nil {
			t.Fatal(err)
		}
		if c2.Version != 2 || len(c2.Lines) != 2 || c2.Lines[0].ID != c.Lines[0].ID || c2.Lines[0].UsedTotal != 8 || *c2.Lines[0].QuotaTotal != 30 ||
			c2.Lines[1].ProductID != f.products["TC-1"].ID || len(c2.Members) != 0 || !c2.AllMembers {
			t.Fatalf("updated %+v lines %+v %+v", c2, *c2.Lines[0], *c2.Lines[1])
		}
		if _, err := catalog.UpdateContract(ctx, bdb, manager, c.ID, 1, edit); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale contract update: %v", err)
		}
		if got := strings.Join(auditActions(t, bdb, "contract", c.ID), " "); got != "contract.create contract.update" {
			t.Fatalf("audit %q", got)
		}
	})
}

func TestContractValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		base := func() catalog.ContractInput {
			return catalog.ContractInput{Number: "RV-NEU", Title: "Neu", ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Active: true, AllMembers: true,
				Lines: []catalog.LineInput{{SKU: "NB-14", PriceCents: 1000}}}
		}
		tests := []struct {
			name  string
			edit  func(*catalog.ContractInput)
			field string
			msg   string
		}{
			{"number taken", func(c *catalog.ContractInput) { c.Number = "rv-nb-2026" }, "number", "bereits vergeben"},
			{"no title", func(c *catalog.ContractInput) { c.Title = "" }, "title", "Titel"},
			{"bad date", func(c *catalog.ContractInput) { c.ValidFrom = "31.02.2026" }, "valid_from", "TT.MM.JJJJ"},
			{"end before start", func(c *catalog.ContractInput) { c.ValidTo = "2025-12-31" }, "valid_to", "vor dem Beginn"},
			{"no members", func(c *catalog.ContractInput) { c.AllMembers = false }, "member_ids", "berechtigten Mitglieder"},
			{"unknown member", func(c *catalog.ContractInput) { c.AllMembers = false; c.MemberIDs = []int64{f.boerde, 4711} }, "member_ids", "kein Mitglied"},
			{"no lines", func(c *catalog.ContractInput) { c.Lines = nil }, "lines", "mindestens eine Position"},
			{"unknown SKU", func(c *catalog.ContractInput) { c.Lines[0].SKU = "GIBTS-NICHT" }, "lines[0].sku", "GIBTS-NICHT"},
			{"product twice", func(c *catalog.ContractInput) {
				c.Lines = append(c.Lines, catalog.LineInput{SKU: "nb-14", PriceCents: 1})
			}, "lines[1].sku", "schon in Position 1"},
			{"member quota above total", func(c *catalog.ContractInput) { c.Lines[0].QuotaTotal, c.Lines[0].QuotaPerMember = ptr(5), ptr(6) }, "lines[0].quota_per_member", "größer"},
			{"negative price", func(c *catalog.ContractInput) { c.Lines[0].PriceCents = -5 }, "lines[0].price_cents", "negativ"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := base()
				tt.edit(&in)
				_, err := catalog.AddContract(ctx, bdb, manager, in)
				if apperr.CodeOf(err) != apperr.Invalid {
					t.Fatalf("err %v, want invalid", err)
				}
				if msg := fieldsOf(err)[tt.field]; !strings.Contains(msg, tt.msg) {
					t.Fatalf("field %s: %q lacks %q (all: %v)", tt.field, msg, tt.msg, fieldsOf(err))
				}
			})
		}
	})
}

func TestContractVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		today := calendar.MustParse("2026-11-22")
		numbers := func(v catalog.Viewer) string {
			cs, next, err := catalog.VisibleContracts(ctx, bdb, v, today, 0, "")
			if err != nil || next != "" {
				t.Fatal(err, next)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Number)
			}
			return strings.Join(out, " ")
		}
		// Expired RV-TC-2025 is hidden from members; the future one shows.
		if got := numbers(catalog.Viewer{MemberID: f.boerde}); got != "RV-MON-2026 RV-NB-2026 RV-NB-BILLIG RV-TC-2027" {
			t.Errorf("Börde sees %q", got)
		}
		if got := numbers(catalog.Viewer{MemberID: f.weissen}); got != "RV-MON-2026 RV-NB-2026 RV-TC-2027" {
			t.Errorf("Weißenfels sees %q", got)
		}
		if got := numbers(catalog.Viewer{}); got != "RV-MON-2026 RV-NB-2026 RV-NB-BILLIG RV-TC-2025 RV-TC-2027" {
			t.Errorf("the provider sees %q", got)
		}
		billig := f.contracts["RV-NB-BILLIG"].ID
		if _, err := catalog.VisibleContract(ctx, bdb, catalog.Viewer{MemberID: f.weissen}, billig, today); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("Weißenfels reads Börde's contract: %v", err)
		}
		if err := catalog.Reserve(ctx, bdb, f.contracts["RV-NB-2026"].Lines[0].ID, f.boerde, 7); err != nil {
			t.Fatal(err)
		}
		c, err := catalog.VisibleContract(ctx, bdb, catalog.Viewer{MemberID: f.boerde}, f.contracts["RV-NB-2026"].ID, today)
		if err != nil {
			t.Fatal(err)
		}
		l := c.Lines[0]
		if *l.RemainingTotal() != 243 || *l.RemainingMember() != 93 {
			t.Fatalf("remaining %d / %d", *l.RemainingTotal(), *l.RemainingMember())
		}
		if c.StateLabel(today) != "gültig bis 31.12.2026" || f.contracts["RV-TC-2027"].StateLabel(today) != "gültig ab 01.01.2027" {
			t.Fatalf("labels %q %q", c.StateLabel(today), f.contracts["RV-TC-2027"].StateLabel(today))
		}
		// Paging by number.
		cs, next, err := catalog.VisibleContracts(ctx, bdb, catalog.Viewer{}, today, 2, "")
		if err != nil || len(cs) != 2 || next != "RV-NB-2026" {
			t.Fatalf("page 1: %d %q %v", len(cs), next, err)
		}
		cs, _, _ = catalog.VisibleContracts(ctx, bdb, catalog.Viewer{}, today, 2, next)
		if cs[0].Number != "RV-NB-BILLIG" {
			t.Fatalf("page 2 starts at %s", cs[0].Number)
		}
	})
}

func TestPricesForViewers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		ps := []*catalog.Product{f.products["NB-14"], f.products["SRV-VOR-ORT"]}
		today := calendar.MustParse("2026-11-22")
		member, err := catalog.Prices(ctx, bdb, catalog.Viewer{MemberID: f.weissen}, ps, today)
		if err != nil {
			t.Fatal(err)
		}
		nb := member[f.products["NB-14"].ID]
		if nb.Source != catalog.SourceContract || nb.UnitCents != 84900 || *nb.QuotaTotal != 250 || *nb.QuotaPerMember != 100 {
			t.Fatalf("member price %+v", nb)
		}
		provider, _ := catalog.Prices(ctx, bdb, catalog.Viewer{}, ps, today)
		if p := provider[f.products["NB-14"].ID]; p.Source != catalog.SourceList || p.UnitCents != 99900 {
			t.Fatalf("provider price %+v", p)
		}
		if p := provider[f.products["SRV-VOR-ORT"].ID]; p.Source != catalog.SourceQuote || p.UnitCents != 0 {
			t.Fatalf("provider quote-only %+v", p)
		}
	})
}

// An order line keeps the contract line it was priced by (a foreign key
// since migration 0010): once ordered from, the line cannot be removed,
// also after the order gave its quota back; the manager gets a field
// error, not a failed statement.
func TestContractLineOfAnOrderStays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		c := f.contracts["RV-MON-2026"]
		mon := c.Lines[0]
		var userID, orderID int64
		now := calendar.MustParse("2026-03-02").Time()
		if err := bdb.NewRaw(`INSERT INTO users (organisation_id, email, name, password_hash, created_at)
			VALUES (?, 'p@boerde.example', 'P', 'x', ?) RETURNING id`, f.boerde, now).Scan(ctx, &userID); err != nil {
			t.Fatal(err)
		}
		if err := bdb.NewRaw(`INSERT INTO orders (number, organisation_id, requester_id, state, submitted_at, updated_at)
			VALUES ('BA-2026-000001', ?, ?, 'withdrawn', ?, ?) RETURNING id`, f.boerde, userID, now, now).Scan(ctx, &orderID); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.ExecContext(ctx, `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, kind, quantity, unit_price_cents,
			vat_percent, net_cents, price_source, contract_id, contract_number, contract_line_id, reserved_quantity)
			VALUES (?, 1, ?, 'MON-27', 'Monitor', 'hardware', 5, 15000, 19, 75000, 'contract', ?, ?, ?, 0)`,
			orderID, mon.ProductID, c.ID, c.Number, mon.ID); err != nil {
			t.Fatal(err)
		}
		edit := catalog.ContractInputOf(c)
		edit.Lines = []catalog.LineInput{{SKU: "TC-1", PriceCents: 27000}}
		_, err := catalog.UpdateContract(ctx, bdb, manager, c.ID, c.Version, edit)
		if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(fieldsOf(err)["lines"], "MON-27") {
			t.Fatalf("remove a line an order was priced by: %v %v", err, fieldsOf(err))
		}
	})
}

// TestProductSubscriptionSettings: set-up per unit, notice period and
// rental reminder are entered with the product (0 included), default to 3
// months, are bounded to 24 and are audited when they change.
func TestProductSubscriptionSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		newFixture(t, bdb)
		in := validProduct()
		p, err := catalog.AddProduct(ctx, bdb, manager, in)
		if err != nil {
			t.Fatal(err)
		}
		if cur, _ := catalog.GetProduct(ctx, bdb, p.ID); cur.SetupRequired || cur.NoticeMonths != 3 || cur.EndReminderMonths != 3 {
			t.Fatalf("defaults: %+v", cur)
		}
		zero, six := int64(0), int64(6)
		in = catalog.InputOf(p)
		in.SetupRequired, in.NoticeMonths, in.EndReminderMonths = true, &zero, &six
		if _, err := catalog.UpdateProduct(ctx, bdb, manager, p.ID, p.Version, in); err != nil {
			t.Fatal(err)
		}
		cur, _ := catalog.GetProduct(ctx, bdb, p.ID)
		if !cur.SetupRequired || cur.NoticeMonths != 0 || cur.EndReminderMonths != 6 {
			t.Fatalf("after update: %+v", cur)
		}
		entries, _ := audit.List(ctx, bdb, audit.Filter{Entity: "product", EntityID: p.ID})
		if !strings.Contains(entries[0].Detail, `"notice_months":[3,0]`) || !strings.Contains(entries[0].Detail, `"setup_required":[false,true]`) {
			t.Fatalf("audit %s", entries[0].Detail)
		}
		// Created with 0 months, it keeps 0 (not the column default).
		in2 := validProduct()
		in2.SKU, in2.SetupRequired, in2.NoticeMonths = "HS-ZERO", true, &zero
		p2, err := catalog.AddProduct(ctx, bdb, manager, in2)
		if err != nil {
			t.Fatal(err)
		}
		if cur, _ := catalog.GetProduct(ctx, bdb, p2.ID); !cur.SetupRequired || cur.NoticeMonths != 0 || cur.EndReminderMonths != 3 {
			t.Fatalf("created with 0: %+v", cur)
		}
		tooLong := int64(25)
		in2.SKU, in2.EndReminderMonths = "HS-LONG", &tooLong
		_, err = catalog.AddProduct(ctx, bdb, manager, in2)
		if fields := apperr.FieldsOf(err); len(fields) != 1 || fields[0].Field != "end_reminder_months" {
			t.Fatalf("25 months: %v", err)
		}
	})
}
