package demo

import (
	"context"
	"fmt"

	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/order"
	"coopshop/internal/provision"
)

// vpnDemoUnits is the size of the demo VPN order: Landkreis Börde orders
// VPN accesses for telework, the way KID Magdeburg sets them up by the
// dozen, and the demo leaves them in every provisioning state.
const vpnDemoUnits = 40

// vpnDemoOrder is the VPN order of the demo: confirmed by sales (its
// units come with the confirmation), then moved by sales in three bulk
// steps so that the board and the member's services show every state.
var vpnDemoOrder = demoOrder{key: "demo-boerde-vpn", purchaser: "einkauf@boerde.example", centre: "1100", label: "Kreisverwaltung Haldensleben",
	reason:        "Telearbeit für das Jobcenter und das Gesundheitsamt: 40 VPN-Zugänge, eingerichtet durch die KID Magdeburg.",
	desiredInDays: 14,
	items:         []demoItem{{"VPN-ZUGANG-STD", vpnDemoUnits}},
	approvals:     []decision{{"genehmigung@boerde.example", "Dienstvereinbarung Telearbeit liegt vor."}},
	sales:         confirmOnly,
	summary:       "bestätigt; VPN-Zugänge: 24 aktiv, 8 in Einrichtung, 2 fehlgeschlagen, 6 bestellt"}

// confirmOnly confirms the order as sales.
func confirmOnly(ctx context.Context, w *workflow, o *order.Order) (*order.Order, error) {
	sales, err := w.as(ctx, salesEmail)
	if err != nil {
		return nil, err
	}
	if o, err = w.Orders.Confirm(ctx, sales, o.ID, o.Version); err != nil {
		return nil, fmt.Errorf("confirm: %w", err)
	}
	return o, nil
}

// seedProvisioning places the VPN order and moves its units: 1–16 active
// ten days ago, 17–24 active three days ago, 25–32 in set-up, 33–34
// failed, 35–40 still ordered.
func (w *workflow) seedProvisioning(ctx context.Context) ([]string, error) {
	o, err := w.place(ctx, vpnDemoOrder)
	if err != nil {
		return nil, fmt.Errorf("demo order %s: %w", vpnDemoOrder.key, err)
	}
	sales, err := w.as(ctx, salesEmail)
	if err != nil {
		return nil, err
	}
	today := clock.Today(w.Orders.Clock)
	name := func(no int) string { return fmt.Sprintf("vpn-lkboerde-%03d", no) }
	var line int
	for _, l := range o.Lines {
		if l.SKU == "VPN-ZUGANG-STD" {
			line = l.LineNo
		}
	}
	steps := [][]provision.UnitInput{
		unitRange(1, 16, provision.Active, today.AddDays(-10), name, ""),
		unitRange(17, 24, provision.Active, today.AddDays(-3), name, ""),
		unitRange(25, 32, provision.InSetup, calendar.Date{}, nil, ""),
		unitRange(33, 34, provision.Failed, calendar.Date{}, nil, "Hardware-Token nicht zugestellt; Versand erneut angestoßen."),
	}
	for _, in := range steps {
		if _, err := w.Provision.Update(ctx, sales, o.ID, line, 0, in); err != nil {
			return nil, fmt.Errorf("provisioning of %s: %w", o.Number, err)
		}
	}
	return []string{fmt.Sprintf("%s  %-17s %s", o.Number, o.MemberName, vpnDemoOrder.summary)}, nil
}

// unitRange is the inputs for units from..to, all moving to st.
func unitRange(from, to int, st provision.UnitState, on calendar.Date, name func(int) string, reason string) []provision.UnitInput {
	var out []provision.UnitInput
	for no := from; no <= to; no++ {
		in := provision.UnitInput{UnitNo: no, State: st, ActivatedOn: on, Reason: reason}
		if name != nil {
			in.Name = name(no)
		}
		out = append(out, in)
	}
	return out
}
