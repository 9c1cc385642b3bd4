package demo

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/cart"
	"coopshop/internal/clock"
	"coopshop/internal/idempotency"
	"coopshop/internal/invoice"
	"coopshop/internal/member"
	"coopshop/internal/order"
	"coopshop/internal/provision"
	"coopshop/internal/purchase"
	"coopshop/internal/quote"
	"coopshop/internal/sales"
	"coopshop/internal/subscription"
)

// WorkflowDeps are the real services SeedWorkflow acts through, so that the
// demo orders get numbers, audit entries, mails and documents exactly as in
// real use.
type WorkflowDeps struct {
	DB       *bun.DB
	Accounts *account.Service
	Carts    *cart.Service
	Orders   *order.Service
	Quotes   *quote.Service
	Sales    *sales.Service
	// Invoices seeds the finance demo (invoices in every state); nil leaves
	// it out, for tests that start finance from a clean slate.
	Invoices *invoice.Service
	// Provision seeds a VPN order whose units are in every provisioning
	// state (provisioning.go); nil leaves it out. Its units are created by
	// the confirmation only when Orders runs the provisioning hook, as
	// internal/app wires it.
	Provision *provision.Service
	// Subscriptions seeds the demo's rentals, seat subscriptions and last
	// month's billing run (after the finance part); nil leaves them out.
	Subscriptions *subscription.Service
	// Purchases sends the purchase orders of the demo's drop shipments and
	// records a supplier's confirmation (supply.go); nil leaves them as
	// the confirmations created them.
	Purchases *purchase.Service
}

// demoItem is a cart line by article number.
type demoItem struct {
	sku      string
	quantity int64
}

// decision is one approval of a stage: who, with which comment.
type decision struct{ email, comment string }

// demoOrder is an order as a purchaser submits it, with the approvals it
// then receives and what sales does with it afterwards.
type demoOrder struct {
	key                      string // idempotency key of the submission
	purchaser, centre, label string // label: the saved delivery address
	reason                   string
	urgentReason             string // "": not urgent (Eilbestellung)
	desiredInDays            int
	items                    []demoItem
	approvals                []decision
	sales                    func(ctx context.Context, w *workflow, o *order.Order) (*order.Order, error)
	summary                  string
}

// demoOrders are the orders of the demo, in the order they are submitted.
// Each leaves an inbox with something to do: an approver's stage 1, the
// Kämmerei's stage 2, sales' confirmation, a delivery to complete, a sent
// quotation the member may accept.
var demoOrders = []demoOrder{
	{key: "demo-boerde-arbeitsplaetze", purchaser: "einkauf@boerde.example", centre: "5000", label: "Kreisverwaltung Haldensleben",
		reason:        "Ausstattung von fünf Arbeitsplätzen im Sozialamt nach Umzug in das Erdgeschoss: je ein zweiter Monitor und eine Dockingstation für die vorhandenen ThinkPads.",
		desiredInDays: 21,
		items:         []demoItem{{"MON-DELL-P2425H", 5}, {"DOCK-LEN-USBC", 5}},
		summary:       "wartet auf Stufe 1 (genehmigung@boerde.example)"},
	{key: "demo-boerde-notebooks", purchaser: "einkauf@boerde.example", centre: "4000", label: "Kreisverwaltung Haldensleben",
		reason:        "Ersatz der 30 Lehrer-Notebooks der Kreisvolkshochschule (Baujahr 2019, keine Sicherheitsupdates mehr), finanziert aus dem DigitalPakt Schule.",
		desiredInDays: 42,
		items:         []demoItem{{"NB-LEN-T14-G5", 30}},
		approvals:     []decision{{"amtsleitung@boerde.example", "Fachlich geprüft, Mittel aus dem DigitalPakt sind bewilligt."}},
		summary:       "Stufe 1 genehmigt, wartet auf Stufe 2 (kaemmerei@boerde.example)"},
	{key: "demo-boerde-thinclients", purchaser: "einkauf@boerde.example", centre: "1100", label: "Außenstelle Oschersleben",
		reason:        "Umstellung der Außenstelle Oschersleben auf Cloud-Arbeitsplätze: zehn Thin Clients mit Monitor ersetzen die alten Büro-PCs.",
		desiredInDays: 14,
		items:         []demoItem{{"TC-IGEL-UD3", 10}, {"MON-DELL-P2425H", 10}},
		approvals:     []decision{{"genehmigung@boerde.example", "Im Haushalt 2026 eingeplant."}},
		sales:         confirmAndDeliverPart,
		summary:       "bestätigt, teilweise geliefert (6 von 10 Thin Clients)"},
	{key: "demo-boerde-wlan", purchaser: "einkauf@boerde.example", centre: "4000", label: "Kreisverwaltung Haldensleben",
		reason:        "WLAN für das Berufsschulzentrum Haldensleben (Verwaltungstrakt): zwei Switche, sechs Access-Points und die Installation vor Ort.",
		desiredInDays: 35,
		items:         []demoItem{{"NET-SWITCH-24-POE", 2}, {"NET-WLAN-AP", 6}, {"SVC-VOR-ORT", 16}},
		approvals:     []decision{{"genehmigung@boerde.example", "Einverstanden, bitte Angebot für die Installation abwarten."}},
		sales:         quoteAndSend,
		summary:       "im Angebot, Angebot versendet (wartet auf Annahme durch genehmigung@boerde.example)"},
	{key: "demo-weissenfels-schulen", purchaser: "einkauf@weissenfels.example", centre: "4000", label: "Rathaus",
		reason:        "Acht Arbeitsplätze für das Schulsekretariat der Grundschule Nord (Neueinstellungen zum Schulhalbjahr).",
		desiredInDays: 28,
		items:         []demoItem{{"TC-IGEL-UD3", 8}, {"MON-DELL-P2425H", 8}},
		summary:       "wartet auf Stufe 1 (genehmigung@weissenfels.example)"},
	{key: "demo-weissenfels-bauamt", purchaser: "einkauf@weissenfels.example", centre: "6100", label: "Rathaus",
		reason:        "Vier Notebooks für die Bauaufsicht (Ortstermine und Telearbeit), eingerichtet mit dem Verwaltungsimage.",
		urgentReason:  "Die alten Geräte der Bauaufsicht sind ausgefallen; ab Montag stehen Ortstermine an.",
		desiredInDays: 21,
		items:         []demoItem{{"NB-DELL-5450", 4}, {"SVC-EINRICHTUNG-NB", 4}},
		approvals:     []decision{{"genehmigung@weissenfels.example", "Genehmigt."}},
		summary:       "Eilbestellung, genehmigt, wartet auf den Vertrieb (Eingang Vertrieb)"},
}

// SeedWorkflow creates the demo orders through the real services, acting
// as the demo users, after Seed has committed the accounts, catalog and
// settings; then the finance part (seedFinance): invoicing settings and
// invoices in every state. It reports one German line per order. When orders exist
// already it does nothing, so a repeated seed never duplicates them.
func SeedWorkflow(ctx context.Context, deps WorkflowDeps) ([]string, error) {
	n, err := deps.DB.NewSelect().Model((*order.Order)(nil)).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count orders: %w", err)
	}
	if n > 0 {
		return nil, nil
	}
	// The seed granted the demo roles after the enforcer loaded the policy.
	if err := deps.Accounts.Authz.Reload(ctx); err != nil {
		return nil, err
	}
	w := &workflow{WorkflowDeps: deps, actors: map[string]*account.Principal{}}
	if deps.Invoices != nil {
		if err := w.seedProvider(ctx); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, d := range demoOrders {
		o, err := w.place(ctx, d)
		if err != nil {
			return out, fmt.Errorf("demo order %s: %w", d.key, err)
		}
		out = append(out, fmt.Sprintf("%s  %-17s %s", o.Number, o.MemberName, d.summary))
	}
	if deps.Invoices != nil {
		// Without the invoice service (tests that start finance from a
		// clean slate) the demo has no invoices.
		finance, err := w.seedFinance(ctx)
		if out = append(out, finance...); err != nil {
			return out, err
		}
	}
	if deps.Subscriptions != nil && deps.Invoices != nil {
		subs, err := w.seedSubscriptions(ctx)
		if out = append(out, subs...); err != nil {
			return out, err
		}
	}
	if deps.Provision != nil {
		vpn, err := w.seedProvisioning(ctx)
		if out = append(out, vpn...); err != nil {
			return out, err
		}
	}
	if deps.Purchases != nil {
		pos, err := w.seedPurchaseOrders(ctx)
		if out = append(out, pos...); err != nil {
			return out, err
		}
	}
	// Last, so that it shifts no number of the demo above.
	project, err := w.seedProjectQuote(ctx)
	if out = append(out, project...); err != nil {
		return out, err
	}
	return out, nil
}

// workflow is SeedWorkflow in progress, with the principals it loaded.
type workflow struct {
	WorkflowDeps
	actors map[string]*account.Principal
}

// as is the principal of the demo user with that e-mail address.
func (w *workflow) as(ctx context.Context, email string) (account.Principal, error) {
	if p, ok := w.actors[email]; ok {
		return *p, nil
	}
	u, err := account.UserByEmail(ctx, w.DB, email)
	if err != nil {
		return account.Principal{}, fmt.Errorf("user %s: %w", email, err)
	}
	p, err := w.Accounts.Principal(ctx, u.ID)
	if err != nil {
		return account.Principal{}, err
	}
	w.actors[email] = p
	return *p, nil
}

// place fills the purchaser's cart, submits it, approves it as listed and
// lets sales continue.
func (w *workflow) place(ctx context.Context, d demoOrder) (*order.Order, error) {
	buyer, err := w.as(ctx, d.purchaser)
	if err != nil {
		return nil, err
	}
	for _, it := range d.items {
		if _, err := w.Carts.AddSKU(ctx, buyer, it.sku, it.quantity); err != nil {
			return nil, fmt.Errorf("cart %s: %w", it.sku, err)
		}
	}
	addr := new(member.Address)
	if err := w.DB.NewSelect().Model(addr).Where("organisation_id = ? AND label = ?", buyer.User.OrgID, d.label).Scan(ctx); err != nil {
		return nil, fmt.Errorf("delivery address %s: %w", d.label, err)
	}
	o, _, err := w.Orders.Submit(ctx, buyer, order.Input{CostCentre: d.centre, DeliveryAddressID: addr.ID, Reason: d.reason,
		DesiredDate: clock.Today(w.Orders.Clock).AddDays(d.desiredInDays), Idempotency: idempotency.Request{Key: d.key},
		Urgent: d.urgentReason != "", UrgentReason: d.urgentReason})
	if err != nil {
		return nil, err
	}
	for _, a := range d.approvals {
		approver, err := w.as(ctx, a.email)
		if err != nil {
			return nil, err
		}
		if o, err = w.Orders.Approve(ctx, approver, o.ID, o.Version, a.comment); err != nil {
			return nil, fmt.Errorf("approve as %s: %w", a.email, err)
		}
	}
	if d.sales != nil {
		return d.sales(ctx, w, o)
	}
	return o, nil
}

// salesEmail is the demo login of the provider's sales.
const salesEmail = "vertrieb@kid.example"

// confirmAndDeliverPart confirms the order (issuing the order
// confirmation) and records a first delivery of six thin clients with
// their serial numbers.
func confirmAndDeliverPart(ctx context.Context, w *workflow, o *order.Order) (*order.Order, error) {
	sales, err := w.as(ctx, salesEmail)
	if err != nil {
		return nil, err
	}
	if o, err = w.Orders.Confirm(ctx, sales, o.ID, o.Version); err != nil {
		return nil, fmt.Errorf("confirm: %w", err)
	}
	serials := make([]string, 6)
	for i := range serials {
		serials[i] = fmt.Sprintf("IGL-UD3-2611%04d", 417+i)
	}
	line := o.Lines[0]
	for _, l := range o.Lines {
		if l.SKU == "TC-IGEL-UD3" {
			line = l
		}
	}
	in := order.DeliveryInput{Note: "Erste Teillieferung; die übrigen vier Thin Clients folgen nach Eingang beim Großhändler.",
		Lines: []order.DeliveryLineInput{{LineNo: line.LineNo, Quantity: 6, Serials: serials}}}
	if o, err = w.Orders.Deliver(ctx, sales, o.ID, o.Version, in); err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	return o, nil
}

// Prices of the WLAN quotation: the installation hours and the free
// project-management day, and the discount on the hardware (5 %, below
// the sales lead's 10 % threshold, so the version is approved at once).
const (
	installHourCents    = 95_00
	projectDayCents     = 760_00
	hardwareDiscountBP  = 500
	projectDescription  = "Projektleitung, 1 Tag"
	installationComment = "Angebot für die Installation wie mit Herrn Günther telefonisch besprochen."
)

// quoteAndSend moves the order into quoting, prices the quote-only
// installation, adds a free project-management line and a small discount,
// submits the draft and sends it to the member.
func quoteAndSend(ctx context.Context, w *workflow, o *order.Order) (*order.Order, error) {
	sales, err := w.as(ctx, salesEmail)
	if err != nil {
		return nil, err
	}
	q, err := w.Sales.OpenQuote(ctx, sales, o.ID, o.Version)
	if err != nil {
		return nil, fmt.Errorf("open quote: %w", err)
	}
	var lines []quote.LineInput
	for _, l := range q.Lines {
		li := quote.LineInput{ProductID: *l.ProductID, Description: l.Description, Quantity: l.Quantity,
			UnitPriceCents: l.UnitPriceCents, VATPercent: l.VATPercent}
		if l.SKU == "SVC-VOR-ORT" {
			li.UnitPriceCents = installHourCents
		} else {
			li.DiscountBP = hardwareDiscountBP
		}
		lines = append(lines, li)
	}
	lines = append(lines, quote.LineInput{Description: projectDescription, Quantity: 1, Unit: "Tag",
		UnitPriceCents: projectDayCents, VATPercent: 19})
	valid := clock.Today(w.Quotes.Clock).AddDays(quote.ValidityDays)
	note := "Die Installation umfasst Montage der Access-Points, Verkabelung im Serverraum und Einmessung der Funkausleuchtung."
	if q, err = w.Quotes.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines, ValidUntil: &valid, Note: &note}); err != nil {
		return nil, fmt.Errorf("edit quote: %w", err)
	}
	if q, err = w.Quotes.Submit(ctx, sales, q.ID, q.Version, ""); err != nil {
		return nil, fmt.Errorf("submit quote: %w", err)
	}
	if q.State == quote.StateSubmitted { // only above the approval thresholds
		lead, err := w.as(ctx, "vertriebsleitung@kid.example")
		if err != nil {
			return nil, err
		}
		if q, err = w.Quotes.Approve(ctx, lead, q.ID, q.Version, ""); err != nil {
			return nil, fmt.Errorf("approve quote: %w", err)
		}
	}
	if _, err = w.Quotes.Send(ctx, sales, q.ID, q.Version, installationComment); err != nil {
		return nil, fmt.Errorf("send quote: %w", err)
	}
	return w.Orders.Get(ctx, sales, o.ID)
}
