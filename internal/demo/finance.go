package demo

import (
	"context"
	"fmt"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/idempotency"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
)

// The finance part of the demo: the provider's legal and bank data, the
// members' invoicing settings, and orders delivered in the past weeks
// whose invoices are in every state, so the finance login finds work.

// ProviderSettings are the demo provider's legal and bank data (the IBAN
// is a valid test IBAN).
var ProviderSettings = invoice.ProviderInput{
	LegalName: "KID Magdeburg GmbH", Street: "Alter Markt 6", Zip: "39104", City: "Magdeburg",
	VATID: "DE814273915", TaxNumber: "102/108/01234", RegisterEntry: "Amtsgericht Stendal HRB 28417",
	IBAN: "DE02 1203 0000 0000 2020 51", BIC: "BYLADEM1001", BankName: "Deutsche Kreditbank Berlin",
	ContactName: "Frieda Fuchs", ContactPhone: "0391 540-2210", ContactEmail: "rechnung@kid.example",
	EInvoiceAddress: "erechnung@kid.example",
}

// memberBilling are the members' invoicing settings: invoice address and
// payment terms; debtor accounts are numbered from 10000 in this order.
var memberBilling = []struct {
	name, email string
	terms       int
}{
	{"Landkreis Börde", "rechnungseingang@boerde.example", 30},
	{"Stadt Weißenfels", "rechnung@weissenfels.example", 14},
	{"Stadt Wolmirstedt", "kasse@wolmirstedt.example", 30},
	{"Verbandsgemeinde Obere Aller", "finanzen@obere-aller.example", 30},
	{"Landkreis Wesermarsch", "rechnungen@wesermarsch.example", 21},
}

// FirstDebtorAccount is the debtor account of the first demo member.
const FirstDebtorAccount = 10000

const (
	adminEmail   = "admin@kid.example"
	financeEmail = "finanzen@kid.example"
)

// payment is a bank transfer received daysAgo; cents 0 pays the rest.
type payment struct {
	daysAgo int
	cents   int64
}

// financeOrder is an order submitted, approved, confirmed and delivered
// in full daysAgo, then invoiced (and paid, cancelled) as listed.
type financeOrder struct {
	demoOrder
	daysAgo        int
	invoiceDaysAgo int // -1: delivered, not yet invoiced
	payments       []payment
	cancelDaysAgo  int    // > 0: cancelled by a credit note then
	cancelReason   string // of the credit note
}

// DATEVSettings is the demo provider's bookkeeping: the DATEV header's
// Beraternummer and Mandantennummer, SKR03 accounts, a calendar fiscal
// year and reminders every 14 days.
var DATEVSettings = invoice.FinanceSettingsInput{ConsultantNumber: 29098, ClientNumber: 55003, FiscalYearStart: 1, AccountLength: 4,
	RevenueAccount19: "8400", RevenueAccount7: "8300", RevenueAccount0: "8100", BankAccount: "1200", DefaultDebtor: "10000",
	ReminderIntervalDays: invoice.DefaultReminderIntervalDays}

// Only the Dell Latitude has a contract price on every day of the last
// two months whatever the seed day (last year's contract ran until 31
// December), so the orders delivered weeks ago take it; those of today
// may take this year's contracts.
var financeOrders = []financeOrder{
	{demoOrder: demoOrder{key: "demo-weissenfels-ordnungsamt", purchaser: "einkauf@weissenfels.example", centre: "1100", label: "Rathaus",
		reason: "Zwei Notebooks für den Außendienst des Ordnungsamts.", desiredInDays: 14,
		items: []demoItem{{"NB-DELL-5450", 2}}, approvals: []decision{{"genehmigung@weissenfels.example", "Genehmigt."}},
		summary: "geliefert und berechnet, Rechnung überfällig"},
		daysAgo: 45, invoiceDaysAgo: 44},
	{demoOrder: demoOrder{key: "demo-boerde-jugendamt", purchaser: "einkauf@boerde.example", centre: "5000", label: "Kreisverwaltung Haldensleben",
		reason: "Vier Notebooks für die Sozialarbeiterinnen und Sozialarbeiter des Jugendamts (Hausbesuche).", desiredInDays: 14,
		items: []demoItem{{"NB-DELL-5450", 4}}, approvals: []decision{{"genehmigung@boerde.example", "Einverstanden."}},
		summary: "berechnet und bezahlt"},
		daysAgo: 40, invoiceDaysAgo: 38, payments: []payment{{12, 0}}},
	{demoOrder: demoOrder{key: "demo-weissenfels-standesamt", purchaser: "einkauf@weissenfels.example", centre: "1100", label: "Rathaus",
		reason: "Ersatzgerät für das Standesamt nach Wasserschaden.", desiredInDays: 7,
		items: []demoItem{{"NB-DELL-5450", 1}}, approvals: []decision{{"genehmigung@weissenfels.example", "Dringend, genehmigt."}},
		summary: "Rechnung storniert (Gutschrift), neu zu berechnen"},
		daysAgo: 30, invoiceDaysAgo: 28, cancelDaysAgo: 26,
		cancelReason: "Rechnung an die falsche Kostenstelle adressiert; die Neuberechnung folgt."},
	{demoOrder: demoOrder{key: "demo-boerde-bauamt", purchaser: "einkauf@boerde.example", centre: "1100", label: "Kreisverwaltung Haldensleben",
		reason: "Fünf Notebooks für die Bauaufsicht (mobile Bauabnahme).", desiredInDays: 21,
		items: []demoItem{{"NB-DELL-5450", 5}}, approvals: []decision{{"genehmigung@boerde.example", "Genehmigt, Mittel im Budget Bauamt."}},
		summary: "berechnet, teilweise bezahlt"},
		daysAgo: 20, invoiceDaysAgo: 18, payments: []payment{{5, 2000_00}}},
	{demoOrder: demoOrder{key: "demo-boerde-fachverfahren", purchaser: "einkauf@boerde.example", centre: "2000", label: "Kreisverwaltung Haldensleben",
		reason: "Zwei Thin Clients mit Monitoren für die Kasse und die Betreuung des Finanzverfahrens bei der Umstellung.", desiredInDays: 7,
		items:     []demoItem{{"TC-IGEL-UD3", 2}, {"MON-DELL-P2425H", 5}, {"SVC-IKZ-FACHVERFAHREN", 8}},
		approvals: []decision{{"genehmigung@boerde.example", "Genehmigt."}},
		summary:   "berechnet (mit nicht steuerbarer Position), offen"},
		daysAgo: 0, invoiceDaysAgo: 0},
	{demoOrder: demoOrder{key: "demo-weissenfels-kita", purchaser: "einkauf@weissenfels.example", centre: "4000", label: "Rathaus",
		reason: "Zwei Notebooks für die Leitungen der Kindertagesstätten, eingerichtet mit dem Verwaltungsimage.", desiredInDays: 10,
		items:     []demoItem{{"NB-DELL-5450", 2}, {"SVC-EINRICHTUNG-NB", 2}},
		approvals: []decision{{"genehmigung@weissenfels.example", "Genehmigt."}},
		summary:   "geliefert, noch nicht berechnet (Eingang Finanzen)"},
		daysAgo: 0, invoiceDaysAgo: -1},
}

// seedProvider enters the provider's legal and bank data first, so that
// every demo document (quotation, confirmation, delivery note, not only
// the invoices) prints them in its footer.
func (w *workflow) seedProvider(ctx context.Context) error {
	admin, err := w.as(ctx, adminEmail)
	if err != nil {
		return err
	}
	prov, err := w.Invoices.ProviderSettings(ctx, admin)
	if err != nil {
		return err
	}
	if _, err := w.Invoices.UpdateProviderSettings(ctx, admin, prov.Version, ProviderSettings); err != nil {
		return fmt.Errorf("provider settings: %w", err)
	}
	return nil
}

// seedFinance enters the members' invoicing settings
// and runs the finance orders on a clock moved back to their days,
// through services of their own over the same database (the demo's
// services keep the real clock). It reports one line per order.
func (w *workflow) seedFinance(ctx context.Context) ([]string, error) {
	finance, err := w.as(ctx, financeEmail)
	if err != nil {
		return nil, err
	}
	fs, err := w.Invoices.FinanceSettings(ctx, finance)
	if err != nil {
		return nil, err
	}
	if _, err := w.Invoices.UpdateFinanceSettings(ctx, finance, fs.Version, DATEVSettings); err != nil {
		return nil, fmt.Errorf("finance settings: %w", err)
	}
	for i, mb := range memberBilling {
		m, err := account.OrganisationByName(ctx, w.DB, mb.name)
		if err != nil {
			return nil, err
		}
		b, err := w.Invoices.MemberBilling(ctx, finance, m.ID)
		if err != nil {
			return nil, err
		}
		in := invoice.BillingInput{InvoiceEmail: mb.email, PaymentTermsDays: mb.terms, DebtorAccount: fmt.Sprint(FirstDebtorAccount + i)}
		if _, err := w.Invoices.UpdateMemberBilling(ctx, finance, m.ID, b.Version, in); err != nil {
			return nil, fmt.Errorf("billing of %s: %w", mb.name, err)
		}
	}

	now := w.Orders.Clock.Now()
	past := clock.NewManual(now)
	orders := order.NewService(w.DB, w.Orders.Authz)
	orders.BaseURL, orders.Clock = w.Orders.BaseURL, past
	carts := cart.NewService(w.DB, w.Carts.Authz)
	carts.Clock = past
	invoices := invoice.NewService(w.DB, w.Invoices.Authz, orders)
	invoices.Clock = past
	pw := &workflow{WorkflowDeps: w.WorkflowDeps, actors: w.actors}
	pw.Orders, pw.Carts, pw.Invoices = orders, carts, invoices
	at := func(daysAgo int) { past.Set(now.Add(-time.Duration(daysAgo) * 24 * time.Hour)) }

	var out []string
	for i, fo := range financeOrders {
		at(fo.daysAgo)
		fo.sales = deliverAll(i)
		o, err := pw.place(ctx, fo.demoOrder)
		if err != nil {
			return out, fmt.Errorf("demo order %s: %w", fo.key, err)
		}
		if fo.invoiceDaysAgo >= 0 {
			at(fo.invoiceDaysAgo)
			inv, _, err := invoices.Issue(ctx, finance, invoice.IssueInput{OrderID: o.ID, Idempotency: idempotency.Request{Key: fo.key + "-invoice"}})
			if err != nil {
				return out, fmt.Errorf("invoice %s: %w", fo.key, err)
			}
			for j, p := range fo.payments {
				at(p.daysAgo)
				amount := p.cents
				if amount == 0 {
					amount = inv.GrossCents - inv.PaidCents - inv.CreditedCents
				}
				inv, _, err = invoices.RecordPayment(ctx, finance, inv.ID, invoice.PaymentInput{AmountCents: amount, PaidOn: clock.Today(past),
					Reference: fmt.Sprintf("%s %s", inv.Number, inv.MemberName), Idempotency: idempotency.Request{Key: fmt.Sprintf("%s-payment-%d", fo.key, j)}})
				if err != nil {
					return out, fmt.Errorf("payment %s: %w", fo.key, err)
				}
			}
			if fo.cancelDaysAgo > 0 {
				at(fo.cancelDaysAgo)
				if _, _, err := invoices.CreditNote(ctx, finance, inv.ID, invoice.CreditInput{Reason: fo.cancelReason,
					Idempotency: idempotency.Request{Key: fo.key + "-credit"}}); err != nil {
					return out, fmt.Errorf("credit note %s: %w", fo.key, err)
				}
			}
		}
		out = append(out, fmt.Sprintf("%s  %-17s %s", o.Number, o.MemberName, fo.summary))
	}
	at(0)
	return out, seedPayments(ctx, w.DB, invoices, finance)
}

// deliverAll confirms the order and delivers every line in full, hardware
// with serial numbers (unique per demo order n).
func deliverAll(n int) func(ctx context.Context, w *workflow, o *order.Order) (*order.Order, error) {
	return func(ctx context.Context, w *workflow, o *order.Order) (*order.Order, error) {
		sales, err := w.as(ctx, salesEmail)
		if err != nil {
			return nil, err
		}
		if o, err = w.Orders.Confirm(ctx, sales, o.ID, o.Version); err != nil {
			return nil, fmt.Errorf("confirm: %w", err)
		}
		var in order.DeliveryInput
		for _, l := range o.Lines {
			dl := order.DeliveryLineInput{LineNo: l.LineNo, Quantity: l.Quantity}
			if l.Kind == catalog.KindHardware {
				for k := range l.Quantity {
					dl.Serials = append(dl.Serials, fmt.Sprintf("%s-%s-%02d%02d", l.SKU, calendar.Of(o.SubmittedAt).Time().Format("0601"), n+1, k+1))
				}
			}
			in.Lines = append(in.Lines, dl)
		}
		if o, err = w.Orders.Deliver(ctx, sales, o.ID, o.Version, in); err != nil {
			return nil, fmt.Errorf("deliver: %w", err)
		}
		return o, nil
	}
}
