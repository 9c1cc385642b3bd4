package api_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/speedata/einvoice"
	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

// TestInvoiceXRechnungAPI: finance downloads an issued invoice's
// XRechnung as XML that parses and passes einvoice's EN 16931 / BR-DE
// check, named by the number; the member reads its own, another member
// gets a 404 and sales what it gets for the PDF (no invoice).
func TestInvoiceXRechnungAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		if _, err := demo.SeedWorkflow(ctx, demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales}); err != nil {
			t.Fatal(err)
		}
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		fin, buyer, weiss := client("finanzen@kid.example"), client("einkauf@boerde.example"), client("einkauf@weissenfels.example")

		// The demo provider's legal data (contact, e-invoice address, VAT
		// ID) that BR-DE asks for, set by admin before the invoice snapshots them.
		admin := client("admin@kid.example")
		var prov struct{ Version int64 }
		admin.Get("/api/v1/provider/settings").JSON(t, &prov)
		ps := demo.ProviderSettings
		orderWantStatus(t, admin.JSON("PUT", "/api/v1/provider/settings", map[string]any{"version": prov.Version,
			"legal_name": ps.LegalName, "street": ps.Street, "zip": ps.Zip, "city": ps.City, "vat_id": ps.VATID, "tax_number": ps.TaxNumber,
			"register_entry": ps.RegisterEntry, "iban": ps.IBAN, "bic": ps.BIC, "bank_name": ps.BankName, "contact_name": ps.ContactName,
			"contact_phone": ps.ContactPhone, "contact_email": ps.ContactEmail, "e_invoice_address": ps.EInvoiceAddress}), 200, "provider settings")

		o := demoDeliveredOrder(t, fin)
		res := orderPostWithKey(t, a, fin.Bearer, "/api/v1/invoices", "", map[string]any{"order_id": o.ID})
		orderWantStatus(t, res, 201, "issue")
		var inv apiInvoiceBody
		res.JSON(t, &inv)
		path := fmt.Sprintf("/api/v1/invoices/%d/xrechnung", inv.ID)

		res = fin.Get(path)
		orderWantStatus(t, res, 200, "finance's XRechnung")
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+inv.Number+`.xml"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		x, err := einvoice.ParseReader(bytes.NewReader([]byte(res.Body)))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, res.Body)
		}
		if err := x.Validate(); err != nil {
			t.Errorf("validation: %v", err)
		}
		if x.InvoiceNumber != inv.Number || x.BuyerReference != inv.LeitwegID || x.InvoiceTypeCode != 380 ||
			x.GrandTotal.StringFixed(2) != fmt.Sprintf("%d.%02d", inv.GrossCents/100, inv.GrossCents%100) {
			t.Errorf("XRechnung %s BT-10 %q type %d total %s, invoice %+v", x.InvoiceNumber, x.BuyerReference, x.InvoiceTypeCode, x.GrandTotal, inv)
		}
		if again := buyer.Get(path); again.Status != 200 || again.Body != res.Body {
			t.Errorf("the member's own: %d, same bytes %v", again.Status, again.Body == res.Body)
		}
		orderWantStatus(t, weiss.Get(path), 404, "another member's XRechnung")
		sales := client("vertrieb@kid.example")
		if x, p := sales.Get(path), sales.Get(strings.TrimSuffix(path, "xrechnung")+"pdf"); x.Status != p.Status || x.Status == 200 {
			t.Errorf("sales: XRechnung %d, PDF %d", x.Status, p.Status)
		}
		orderWantStatus(t, fin.Get("/api/v1/invoices/999999/xrechnung"), 404, "unknown invoice")
	})
}
