package subscription_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
	"coopshop/internal/subscription"
)

// TestBillingRunInvoiceDocuments: a billing-run invoice with pro rata
// lines renders as PDF and passes the XRechnung rules.
func TestBillingRunInvoiceDocuments(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	testBillingRunInvoiceDocuments(t, bdb)
}

func testBillingRunInvoiceDocuments(t *testing.T, bdb *bun.DB) {
	ctx := context.Background()
	f := setup(t, bdb, calendar.MustParse("2026-12-05"))
	admin := f.P(t, "admin@kid.example")
	prov, err := f.inv.ProviderSettings(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.inv.UpdateProviderSettings(ctx, admin, prov.Version, invoice.ProviderInput{
		LegalName: "KID Magdeburg GmbH", Street: "Alter Markt 6", Zip: "39104", City: "Magdeburg", VATID: "DE814273915", TaxNumber: "102/108/01234",
		IBAN: "DE02 1203 0000 0000 2020 51", BIC: "BYLADEM1001", BankName: "DKB", ContactName: "Frieda Fuchs", ContactPhone: "0391 540-2210",
		ContactEmail: "rechnung@kid.example", EInvoiceAddress: "erechnung@kid.example"}); err != nil {
		t.Fatal(err)
	}
	f.sub(t, f.Boerde, "T-RENT", subscription.KindRental, 40, "2026-11-17", "")
	f.clock.Set(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
	res, err := f.subs.BillingRun(ctx, f.P(t, "finanzen@kid.example"), "2026-11")
	if err != nil || len(res.Invoices) != 1 {
		t.Fatalf("run: %v", err)
	}
	inv, err := f.inv.Get(ctx, f.P(t, "finanzen@kid.example"), res.Invoices[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := document.Render(invoice.Document(inv)); err != nil {
		t.Fatalf("PDF: %v", err)
	}
	if _, err := export.XRechnung(inv); err != nil {
		t.Fatalf("XRechnung: %v", err)
	}
}
