// Package purchase is drop shipment (Streckengeschäft, issue 14): when an
// order is confirmed, its lines under framework contracts that name a
// supplier's order e-mail become one purchase order per supplier
// (Bestellung beim Lieferanten, BE-2026-000001), shipped straight to the
// member's delivery address. A job renders its PDF and mails it to the
// supplier exactly once; sales records the supplier's confirmation and the
// delivery against it. Every state change runs through the step engine
// (internal/workflow): lock, version, state, enforcer, audit.
package purchase

import (
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/workflow"
)

// NumberPrefix starts every purchase order number: BE-2026-000001,
// gapless per year (db.NextNumber).
const NumberPrefix = "BE"

// Entity is the name of purchase orders in the audit trail, the jobs and
// the documents table.
const Entity = "purchase_order"

// State is where a purchase order stands.
type State string

// The states: created with the order's confirmation, sent by the job
// that mails it, confirmed by the supplier, delivered to the member.
const (
	StateCreated   State = "created"
	StateSent      State = "sent"
	StateConfirmed State = "confirmed"
	StateDelivered State = "delivered"
)

// Label is the German name of the state.
func (s State) Label() string {
	switch s {
	case StateCreated:
		return "Angelegt, Versand folgt"
	case StateSent:
		return "An Lieferanten gesendet"
	case StateConfirmed:
		return "Vom Lieferanten bestätigt"
	case StateDelivered:
		return "Geliefert"
	}
	return string(s)
}

// Tone is the badge colour of the state.
func (s State) Tone() string {
	switch s {
	case StateConfirmed, StateDelivered:
		return "ok"
	case StateCreated:
		return "warn"
	}
	return ""
}

// Step is something that happens to a purchase order.
type Step string

// The steps: the job sends it (the system), sales records what the
// supplier answers and when the goods arrived.
const (
	StepSend    Step = "send"
	StepConfirm Step = "confirm"
	StepDeliver Step = "deliver"
)

// Label is the German name of a step, for the audit trail and buttons.
func (s Step) Label() string {
	switch s {
	case StepSend:
		return "An Lieferanten gesendet"
	case StepConfirm:
		return "Bestätigung des Lieferanten erfasst"
	case StepDeliver:
		return "Lieferung erfasst"
	}
	return string(s)
}

// machine is the whole life of a purchase order in one table.
var machine = workflow.Machine[Step, State]{
	StepSend:    {From: []State{StateCreated}, To: []State{StateSent}, System: true},
	StepConfirm: {From: []State{StateSent}, To: []State{StateConfirmed}, Action: "record"},
	StepDeliver: {From: []State{StateSent, StateConfirmed}, To: []State{StateDelivered}, Action: "record"},
}

// StartsFrom tells whether step st may start in state s (buttons).
func (st Step) StartsFrom(s State) bool { return machine.StartsFrom(st, s) }

// PurchaseOrder is one order to one supplier for the lines of one
// customer order.
type PurchaseOrder struct {
	bun.BaseModel `bun:"table:purchase_orders,alias:po"`

	ID                int64         `bun:"id,pk,autoincrement"`
	Number            string        `bun:"number"`
	OrderID           int64         `bun:"order_id"`
	OrgID             int64         `bun:"organisation_id"` // the member delivered to
	ContractID        int64         `bun:"contract_id"`
	Supplier          string        `bun:"supplier"`
	SupplierEmail     string        `bun:"supplier_email"`
	ShipTo            string        `bun:"ship_to"`
	IssuedOn          calendar.Date `bun:"issued_on,type:text"`
	NetCents          int64         `bun:"net_cents"`
	State             State         `bun:"state"`
	SentAt            *time.Time    `bun:"sent_at"`
	SupplierReference string        `bun:"supplier_reference"`
	ConfirmedOn       calendar.Date `bun:"confirmed_on,type:text"`
	ExpectedOn        calendar.Date `bun:"expected_on,type:text"`
	DeliveredOn       calendar.Date `bun:"delivered_on,type:text"`
	Note              string        `bun:"note"`
	Version           int64         `bun:"version"`
	CreatedAt         time.Time     `bun:"created_at"`
	UpdatedAt         time.Time     `bun:"updated_at"`

	Lines []*Line `bun:"rel:has-many,join:id=purchase_order_id"`
	// Shown beside it, filled by the loaders.
	OrderNumber    string `bun:"order_number,scanonly"`
	MemberName     string `bun:"member_name,scanonly"`
	ContractNumber string `bun:"contract_number,scanonly"`
}

// Line is one position of a purchase order: an order line's product and
// quantity at the framework contract's price.
type Line struct {
	bun.BaseModel `bun:"table:purchase_order_lines,alias:pol"`

	ID              int64  `bun:"id,pk,autoincrement"`
	PurchaseOrderID int64  `bun:"purchase_order_id"`
	OrderLineID     int64  `bun:"order_line_id"`
	LineNo          int    `bun:"line_no"`
	OrderLineNo     int    `bun:"order_line_no"`
	SKU             string `bun:"sku"`
	Name            string `bun:"name"`
	Unit            string `bun:"unit"`
	Quantity        int64  `bun:"quantity"`
	UnitPriceCents  int64  `bun:"unit_price_cents"`
	VATPercent      int64  `bun:"vat_percent"`
	NetCents        int64  `bun:"net_cents"`
}
