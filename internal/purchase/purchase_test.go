package purchase_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/document/pdftext"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/purchase"
)

// day is the fixed day of the tests.
var day = calendar.MustParse("2026-11-23")

type fixture struct {
	*ordertest.Fixture
	buy *purchase.Service
	// printer is a product under a second contract with another supplier.
	printer *catalog.Product
}

// setup seeds the demo data and the test catalog; the test contract
// T-RV-2026 (notebooks, monitors …) gets its supplier's order e-mail, and
// a second contract of another supplier sells T-PRN printers. The order
// service creates purchase orders on confirmation, as internal/app wires
// it.
func setup(t testing.TB, bdb *bun.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{Fixture: ordertest.Seed(t, bdb)}
	c := clock.At(day)
	f.Orders.Clock = c
	if _, err := bdb.NewUpdate().Table("contracts").Set("supplier_email = ?", "auftrag@test-gmbh.example").
		Where("id = ?", f.Contract.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	f.printer = &catalog.Product{SKU: "T-PRN", Name: "Test-Drucker A4", Kind: catalog.KindHardware, Unit: "Stück",
		ListPriceCents: 45000, VATPercent: 19, Active: true}
	if err := catalog.CreateProduct(ctx, bdb, f.printer); err != nil {
		t.Fatal(err)
	}
	f.Products[f.printer.SKU] = f.printer
	second := &catalog.Contract{Number: "T-RV-DRUCK", Title: "Testvertrag Drucker", Supplier: "Druck & Co. KG", SupplierEmail: "Bestellung@Druck.example",
		ValidFrom: calendar.MustParse("2020-01-01"), ValidTo: calendar.MustParse("2099-12-31"), AllMembers: true, Active: true,
		Lines: []*catalog.ContractLine{{ProductID: f.printer.ID, PriceCents: 39900}}}
	if err := catalog.CreateContract(ctx, bdb, second); err != nil {
		t.Fatal(err)
	}
	f.buy = purchase.NewService(bdb, f.Authz)
	f.buy.Clock = c
	f.Orders.OnConfirmed(f.buy.Confirmed)
	return f
}

// approved submits items for Börde's purchaser and approves them.
func (f *fixture) approved(t testing.TB, items map[string]int64) *order.Order {
	t.Helper()
	o := f.Submit(t, "einkauf@boerde.example", items)
	o, err := f.Orders.Approve(context.Background(), f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	return o
}

// mailsAbout lists the mails about purchase order id.
func mailsAbout(t testing.TB, bdb *bun.DB, id int64) []notify.Row {
	t.Helper()
	rows, err := notify.ForEntity(context.Background(), bdb, purchase.Entity, id)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestConfirmIssuesPurchaseOrdersPerSupplier walks a drop shipment: the
// confirmation makes one purchase order per supplier (lines under
// contracts without a supplier e-mail stay with the provider), numbered
// gaplessly, shipped to the member; the job sends each once with its PDF;
// sales records the confirmation (stale versions refused) and the
// delivery, each audited; members see none of it.
func TestConfirmIssuesPurchaseOrdersPerSupplier(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		sales := f.P(t, "vertrieb@kid.example")
		// T-SSD's contract line is T-RV-2026 too; the demo's notebook has
		// a contract without supplier e-mail: order one of each kind.
		o := f.approved(t, map[string]int64{"T-NB": 2, "T-MON": 1, "T-PRN": 3})
		o, err := f.Orders.Confirm(ctx, sales, o.ID, o.Version)
		if err != nil {
			t.Fatalf("confirm: %v", err)
		}
		pos, err := f.buy.ForOrder(ctx, sales, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pos) != 2 {
			t.Fatalf("%d purchase orders, want 2 (one per supplier)", len(pos))
		}
		var n1, n2 int
		if _, err := fmt.Sscanf(pos[0].Number, "BE-2026-%06d", &n1); err != nil {
			t.Fatalf("number %q: %v", pos[0].Number, err)
		}
		if _, err := fmt.Sscanf(pos[1].Number, "BE-2026-%06d", &n2); err != nil || n2 != n1+1 {
			t.Fatalf("numbers %s, %s: not consecutive", pos[0].Number, pos[1].Number)
		}
		bySupplier := map[string]*purchase.PurchaseOrder{}
		for _, po := range pos {
			bySupplier[po.SupplierEmail] = po
			if po.State != purchase.StateCreated || po.SentAt != nil {
				t.Errorf("%s: state %s before the job ran", po.Number, po.State)
			}
			if !strings.Contains(po.ShipTo, "Gerikestraße 104") || !strings.HasPrefix(po.ShipTo, "Landkreis Börde") {
				t.Errorf("%s ships to %q, want the member's delivery address", po.Number, po.ShipTo)
			}
		}
		a, b := bySupplier["auftrag@test-gmbh.example"], bySupplier["bestellung@druck.example"]
		if a == nil || b == nil {
			t.Fatalf("suppliers %v", bySupplier)
		}
		if len(a.Lines) != 2 || a.NetCents != 2*84900+15000 || a.Supplier != "Test GmbH" || a.ContractNumber != "T-RV-2026" {
			t.Errorf("Test GmbH: %d lines, %d cents, %q, %q", len(a.Lines), a.NetCents, a.Supplier, a.ContractNumber)
		}
		if len(b.Lines) != 1 || b.Lines[0].Quantity != 3 || b.NetCents != 3*39900 {
			t.Errorf("Druck & Co.: %+v", b.Lines)
		}

		// The job, twice: one PDF, one mail, sent once.
		for i, want := range []bool{true, false} {
			sent, err := f.buy.Send(ctx, a.ID)
			if err != nil || sent != want {
				t.Fatalf("send #%d: %v, %v; want %v", i+1, sent, err, want)
			}
		}
		mails := mailsAbout(t, bdb, a.ID)
		if len(mails) != 1 || mails[0].To != "auftrag@test-gmbh.example" || len(mails[0].Attachments) != 1 ||
			!strings.Contains(mails[0].Subject, a.Number) || mails[0].Attachments[0].Name != a.Number+".pdf" {
			t.Fatalf("mails %+v", mails)
		}
		if _, err := document.Get(ctx, bdb, purchase.Entity, a.ID, document.KindPurchaseOrder, 1); err != nil {
			t.Fatalf("stored PDF: %v", err)
		}
		a, err = f.buy.Get(ctx, sales, a.ID)
		if err != nil || a.State != purchase.StateSent || a.SentAt == nil {
			t.Fatalf("after send: %v %+v", err, a)
		}

		// Sales records the supplier's confirmation, then the delivery.
		_, err = f.buy.Confirm(ctx, sales, a.ID, a.Version-1, purchase.ConfirmInput{SupplierReference: "AB-4711"})
		ordertest.WantCode(t, err, apperr.Conflict)
		_, err = f.buy.Confirm(ctx, sales, a.ID, 0, purchase.ConfirmInput{})
		ordertest.WantCode(t, err, apperr.Invalid)
		_, err = f.buy.Confirm(ctx, sales, a.ID, a.Version, purchase.ConfirmInput{ConfirmedOn: day.AddDays(1)})
		ordertest.WantCode(t, err, apperr.Invalid)
		a, err = f.buy.Confirm(ctx, sales, a.ID, a.Version, purchase.ConfirmInput{SupplierReference: "AB-4711", ExpectedOn: day.AddDays(5)})
		if err != nil || a.State != purchase.StateConfirmed || a.ConfirmedOn != day || a.SupplierReference != "AB-4711" {
			t.Fatalf("confirm: %v %+v", err, a)
		}
		_, err = f.buy.Confirm(ctx, sales, a.ID, a.Version, purchase.ConfirmInput{})
		ordertest.WantCode(t, err, apperr.Conflict) // confirmed already
		a, err = f.buy.Deliver(ctx, sales, a.ID, a.Version, purchase.DeliverInput{Note: "Lieferschein 99"})
		if err != nil || a.State != purchase.StateDelivered || a.DeliveredOn != day {
			t.Fatalf("deliver: %v %+v", err, a)
		}
		entries, _, err := audit.NewReader(bdb, f.Authz).List(ctx, sales.Subject, audit.Query{Entity: purchase.Entity, EntityID: a.ID, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); !strings.Contains(got, "purchase_order.create") || !strings.Contains(got, "purchase_order.send") ||
			!strings.Contains(got, "purchase_order.confirm") || !strings.Contains(got, "purchase_order.deliver") {
			t.Errorf("audit trail %q", got)
		}

		// Members see no purchase orders; they may not record anything.
		buyer := f.P(t, "einkauf@boerde.example")
		if pos, err := f.buy.ForOrder(ctx, buyer, o.ID); err != nil || len(pos) != 0 {
			t.Errorf("purchaser sees %d purchase orders (%v)", len(pos), err)
		}
		_, err = f.buy.Get(ctx, buyer, b.ID)
		ordertest.WantCode(t, err, apperr.Forbidden)
		_, err = f.buy.Deliver(ctx, f.P(t, "kaemmerei@boerde.example"), b.ID, b.Version, purchase.DeliverInput{})
		ordertest.WantCode(t, err, apperr.NotFound)
	})
}

// TestPurchaseOrderIssuedOnce races on PostgreSQL: many confirmations of
// one order let one through and create one purchase order per supplier;
// many runs of the send job send each once – one stored PDF, one mail.
func TestPurchaseOrderIssuedOnce(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := setup(t, bdb)
	o := f.approved(t, map[string]int64{"T-NB": 1, "T-PRN": 1})
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case apperr.CodeOf(err) != apperr.Conflict:
			t.Errorf("confirm: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d confirmations went through, want 1", ok)
	}
	count, err := bdb.NewSelect().Table("purchase_orders").Where("order_id = ?", o.ID).Count(ctx)
	if err != nil || count != 2 {
		t.Fatalf("%d purchase orders (%v), want 2", count, err)
	}
	pos, err := f.buy.ForOrder(ctx, f.P(t, "vertrieb@kid.example"), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, po := range pos {
		sent := make([]bool, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if sent[i], err = f.buy.Send(ctx, po.ID); err != nil {
					t.Errorf("send %s: %v", po.Number, err)
				}
			}()
		}
		wg.Wait()
		k := 0
		for _, s := range sent {
			if s {
				k++
			}
		}
		if k != 1 {
			t.Errorf("%s sent %d times, want once", po.Number, k)
		}
		if mails := mailsAbout(t, bdb, po.ID); len(mails) != 1 {
			t.Errorf("%s: %d mails, want 1", po.Number, len(mails))
		}
		docs, err := bdb.NewSelect().Table("documents").Where("entity = ? AND entity_id = ?", purchase.Entity, po.ID).Count(ctx)
		if err != nil || docs != 1 {
			t.Errorf("%s: %d stored PDFs (%v), want 1", po.Number, docs, err)
		}
	}
	// The numbers stay gapless: the losers' transactions took theirs back.
	var last int64
	if err := bdb.NewSelect().Table("number_counters").Column("last_value").Where("prefix = ? AND year = 2026", purchase.NumberPrefix).Scan(ctx, &last); err != nil {
		t.Fatal(err)
	}
	total, _ := bdb.NewSelect().Table("purchase_orders").Count(ctx)
	if last != total {
		t.Errorf("counter at %d, %d purchase orders", last, total)
	}
}

// TestPurchaseOrderPDF reads the purchase order's PDF back as text: the
// letter of the other documents, the supplier as recipient, the member's
// address to ship to, the lines at the contract price and the totals.
func TestPurchaseOrderPDF(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	ctx := context.Background()
	f := setup(t, bdb)
	o := f.approved(t, map[string]int64{"T-NB": 2, "T-MON": 1})
	if _, err := f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version); err != nil {
		t.Fatal(err)
	}
	sales := f.P(t, "vertrieb@kid.example")
	pos, err := f.buy.ForOrder(ctx, sales, o.ID)
	if err != nil || len(pos) != 1 {
		t.Fatalf("%d purchase orders (%v)", len(pos), err)
	}
	po := pos[0]
	before, err := f.buy.PDF(ctx, sales, po.ID) // rendered, not stored yet
	if err != nil || before.Issued {
		t.Fatalf("PDF before sending: %v, issued %v", err, before != nil && before.Issued)
	}
	if _, err := f.buy.Send(ctx, po.ID); err != nil {
		t.Fatal(err)
	}
	file, err := f.buy.PDF(ctx, sales, po.ID)
	if err != nil || !file.Issued {
		t.Fatalf("stored PDF: %v", err)
	}
	if document.Checksum(before.Bytes) != file.SHA256 {
		t.Error("the stored PDF differs from the one rendered before: not byte-stable")
	}
	pages := pdftext.Pages(t, file.Bytes)
	pdftext.Contains(t, "purchase order", strings.Join(pages, "\f"),
		"Bestellung "+po.Number, "Bestell-Nr.", "Test GmbH", "Rahmenvertrag T-RV-2026",
		"Lieferung an", "Landkreis Börde\nGerikestraße 104\n39340 Haldensleben", "Unser Auftrag", o.Number, "Besteller", "23.11.2026",
		"Test-Notebook", "849,00", "1.848,00 €", "Streckengeschäft", "Seite 1 von 1")
	_, err = f.buy.PDF(ctx, f.P(t, "einkauf@boerde.example"), po.ID)
	ordertest.WantCode(t, err, apperr.Forbidden)
}
