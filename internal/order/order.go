// Package order holds order requests (Bestellanforderungen) and their life:
// submission from the cart, the member's approval chain, the provider's
// review (confirm or quote), deliveries. Every step is one entry of the
// state machine in machine.go and runs through Service.step: one
// transaction, a state and version check, the enforcer's decision, an
// audit entry and the notifications it causes.
package order

import (
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// State is where an order stands (DESIGN §3).
type State string

// The states. invoiced and paid are set by finance (later issues).
const (
	StateSubmitted State = "submitted"
	StateApproved  State = "approved"
	StateConfirmed State = "confirmed"
	StateDelivered State = "delivered"
	StateQuoting   State = "quoting"
	StateRejected  State = "rejected"
	StateWithdrawn State = "withdrawn"
	StateReturned  State = "returned"
	StateClosed    State = "closed"
	StateInvoiced  State = "invoiced"
	StatePaid      State = "paid"
)

// States lists every state in the order of the life cycle, for filters.
var States = []State{StateSubmitted, StateReturned, StateApproved, StateQuoting, StateConfirmed, StateDelivered,
	StateInvoiced, StatePaid, StateRejected, StateWithdrawn, StateClosed}

// Label is the German name of the state, as badges and lists show it.
func (s State) Label() string {
	switch s {
	case StateSubmitted:
		return "Eingereicht"
	case StateApproved:
		return "Genehmigt"
	case StateConfirmed:
		return "Bestätigt"
	case StateDelivered:
		return "Geliefert"
	case StateQuoting:
		return "In Angebotsphase"
	case StateRejected:
		return "Abgelehnt"
	case StateWithdrawn:
		return "Zurückgezogen"
	case StateReturned:
		return "Zur Überarbeitung"
	case StateClosed:
		return "Abgeschlossen"
	case StateInvoiced:
		return "Berechnet"
	case StatePaid:
		return "Bezahlt"
	}
	return string(s)
}

// Tone is the badge colour class of the state: ok, warn, bad or "".
func (s State) Tone() string {
	switch s {
	case StateApproved, StateConfirmed, StateDelivered, StateInvoiced, StatePaid:
		return "ok"
	case StateReturned, StateQuoting:
		return "warn"
	case StateRejected, StateWithdrawn, StateClosed:
		return "bad"
	}
	return ""
}

// Confirmed tells whether the state lies at or after the provider's
// confirmation (confirmed, delivered, invoiced, paid). No step leads from
// there back to an earlier state, and deliveries, provisioning, issued
// documents and invoices only ever come into being from the confirmation
// on: an order before it (or ended before it) has none of them, and the
// read paths skip asking for them.
func (s State) Confirmed() bool {
	switch s {
	case StateConfirmed, StateDelivered, StateInvoiced, StatePaid:
		return true
	}
	return false
}

// Order is an order request with its frozen lines and approval stages.
type Order struct {
	bun.BaseModel `bun:"table:orders,alias:o"`

	ID              int64         `bun:"id,pk,autoincrement"`
	Number          string        `bun:"number"`
	OrgID           int64         `bun:"organisation_id"`
	RequesterID     int64         `bun:"requester_id"`
	State           State         `bun:"state"`
	Version         int64         `bun:"version"`
	Round           int           `bun:"round"`
	CurrentStage    int           `bun:"current_stage"` // 0: no stage open
	CostCentre      string        `bun:"cost_centre"`
	DeliveryAddress string        `bun:"delivery_address"`
	Reason          string        `bun:"reason"`
	DesiredDate     calendar.Date `bun:"desired_date,type:text"`
	// BuyerReference is the member's Bestellzeichen ("" when none).
	BuyerReference string `bun:"buyer_reference"`
	// Urgent marks an Eilbestellung (issue 14): it comes first in every
	// inbox and its mails say so; UrgentReason says why (required).
	Urgent         bool      `bun:"urgent"`
	UrgentReason   string    `bun:"urgent_reason"`
	NetCents       int64     `bun:"net_cents"`
	VATCents       int64     `bun:"vat_cents"`
	GrossCents     int64     `bun:"gross_cents"`
	IdempotencyKey *string   `bun:"idempotency_key"`
	SubmittedAt    time.Time `bun:"submitted_at"`
	UpdatedAt      time.Time `bun:"updated_at"`

	Lines      []*Line     `bun:"rel:has-many,join:id=order_id"`
	Stages     []*Stage    `bun:"rel:has-many,join:id=order_id"`
	Deliveries []*Delivery `bun:"-"`
	// Names for display, filled by Get and List.
	MemberName     string `bun:"member_name,scanonly"`
	RequesterName  string `bun:"requester_name,scanonly"`
	RequesterEmail string `bun:"requester_email,scanonly"`
	// Fresh is set on an order this request created (nil on one loaded):
	// what its answer can be built from without reading again.
	Fresh *Fresh `bun:"-"`
}

// Line is one frozen order line.
type Line struct {
	bun.BaseModel `bun:"table:order_lines,alias:ol"`

	ID               int64              `bun:"id,pk,autoincrement"`
	OrderID          int64              `bun:"order_id"`
	LineNo           int                `bun:"line_no"`
	ProductID        int64              `bun:"product_id,nullzero"` // 0 (NULL): a free line, see Free
	SKU              string             `bun:"sku"`
	Name             string             `bun:"name"`
	Kind             string             `bun:"kind"`
	Unit             string             `bun:"unit"`
	Quantity         int64              `bun:"quantity"`
	UnitPriceCents   int64              `bun:"unit_price_cents"`
	VATPercent       int64              `bun:"vat_percent"`
	NetCents         int64              `bun:"net_cents"`
	PriceSource      catalog.SourceType `bun:"price_source"`
	ContractID       *int64             `bun:"contract_id"`
	ContractNumber   string             `bun:"contract_number"`
	ContractLineID   *int64             `bun:"contract_line_id"`
	ReservedQuantity int64              `bun:"reserved_quantity"`
	DiscountBP       int64              `bun:"discount_bp"` // set from an accepted quotation
	TermMonths       int64              `bun:"term_months"` // a rental's term, frozen at submit (approval amounts)
	// SubscriptionID names the seat subscription a change order's line
	// changes (SubmitChange); nil on every other line.
	SubscriptionID *int64 `bun:"subscription_id"`

	// Delivered is the quantity delivered so far, filled by Get.
	Delivered int64 `bun:"-"`
}

// Free tells whether the line has no product: a free line (installation,
// project days) taken over from an accepted quotation. It never has a
// contract line or a reserved quota.
func (l *Line) Free() bool { return l.ProductID == 0 }

// NeedsQuote tells whether the line has no contract price. A free line
// comes from a quotation and needs none.
func (l *Line) NeedsQuote() bool { return !l.Free() && l.PriceSource != catalog.SourceContract }

// Open is the quantity still to deliver.
func (l *Line) Open() int64 { return l.Quantity - l.Delivered }

// Stage states.
const (
	StagePending  = "pending"
	StageApproved = "approved"
	StageRejected = "rejected"
	StageReturned = "returned"
)

// Stage is one approval stage of one submission (round) of an order,
// copied from the member's rules at submit.
type Stage struct {
	bun.BaseModel `bun:"table:order_stages,alias:os"`

	ID             int64      `bun:"id,pk,autoincrement"`
	OrderID        int64      `bun:"order_id"`
	Round          int        `bun:"round"`
	StageNo        int        `bun:"stage_no"`
	Role           string     `bun:"role"`
	MinGrossCents  int64      `bun:"min_gross_cents"`
	State          string     `bun:"state"`
	DecidedBy      *int64     `bun:"decided_by"`
	DecidedByName  string     `bun:"decided_by_name"`
	DecidedByEmail string     `bun:"decided_by_email"`
	DecidedAt      *time.Time `bun:"decided_at"`
	Comment        string     `bun:"comment"`
	// OnBehalfOf is the principal a deputy decided for (DecidedBy is the
	// deputy); nil when the decider acted in their own name.
	OnBehalfOf     *int64 `bun:"on_behalf_of"`
	OnBehalfOfName string `bun:"on_behalf_of_name"`
}

// DecidedByLabel is who decided the stage as the order page and the audit
// trail say it: "X im Auftrag von Y" for a deputy.
func (s *Stage) DecidedByLabel() string {
	if s.OnBehalfOf != nil {
		return s.DecidedByName + " im Auftrag von " + s.OnBehalfOfName
	}
	return s.DecidedByName
}

// StateLabel is the German name of the stage's state.
func (s *Stage) StateLabel() string {
	switch s.State {
	case StageApproved:
		return "genehmigt"
	case StageRejected:
		return "abgelehnt"
	case StageReturned:
		return "zur Überarbeitung zurückgegeben"
	}
	return "offen"
}

// Delivery is one (partial) delivery recorded by sales.
type Delivery struct {
	bun.BaseModel `bun:"table:deliveries,alias:d"`

	ID         int64     `bun:"id,pk,autoincrement"`
	OrderID    int64     `bun:"order_id"`
	DeliveryNo int       `bun:"delivery_no"`
	RecordedBy *int64    `bun:"recorded_by"`
	RecordedAt time.Time `bun:"recorded_at"`
	Note       string    `bun:"note"`

	Lines []*DeliveryLine `bun:"rel:has-many,join:id=delivery_id"`
}

// DeliveryLine is the quantity of one order line in a delivery.
type DeliveryLine struct {
	bun.BaseModel `bun:"table:delivery_lines,alias:dl"`

	ID          int64    `bun:"id,pk,autoincrement"`
	DeliveryID  int64    `bun:"delivery_id"`
	OrderLineID int64    `bun:"order_line_id"`
	ProductID   int64    `bun:"product_id"` // 0 for a free line
	Quantity    int64    `bun:"quantity"`
	Serials     []string `bun:"-"`
}

// serial is a row of delivery_serials.
type serial struct {
	bun.BaseModel `bun:"table:delivery_serials"`

	ID             int64  `bun:"id,pk,autoincrement"`
	DeliveryLineID int64  `bun:"delivery_line_id"`
	ProductID      int64  `bun:"product_id"`
	Serial         string `bun:"serial"`
}

// Totals recomputes net, VAT (per rate) and gross from the lines.
func (o *Order) Totals() money.Totals {
	ls := make([]money.Line, len(o.Lines))
	for i, l := range o.Lines {
		ls[i] = money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
	}
	return money.Sum(ls)
}

// NeedsQuote tells whether any line lacks a contract price.
func (o *Order) NeedsQuote() bool {
	for _, l := range o.Lines {
		if l.NeedsQuote() {
			return true
		}
	}
	return false
}

// RoundStages lists the stages of the current submission, by stage number.
func (o *Order) RoundStages() []*Stage {
	var out []*Stage
	for _, s := range o.Stages {
		if s.Round == o.Round {
			out = append(out, s)
		}
	}
	return out
}

// OpenStage returns the open stage, or nil when none is open.
func (o *Order) OpenStage() *Stage {
	if o.State != StateSubmitted || o.CurrentStage == 0 {
		return nil
	}
	for _, s := range o.RoundStages() {
		if s.StageNo == o.CurrentStage {
			return s
		}
	}
	return nil
}

// priorActors are the users who approved earlier stages of this round;
// none of them may decide a later one (authz condition not_prior).
func (o *Order) priorActors() []int64 {
	var out []int64
	for _, s := range o.RoundStages() {
		if s.StageNo < o.CurrentStage && s.DecidedBy != nil {
			out = append(out, *s.DecidedBy)
		}
	}
	return out
}

// Object is the order as the enforcer sees it. For the open stage it
// carries the stage's role, the approval amount (Amounts) for the
// approver's limit and the earlier approvers for four-eyes across stages.
// It needs the order's lines.
func (o *Order) Object() authz.Object {
	obj := authz.Object{Kind: "order", ID: o.ID, OrgID: o.OrgID, OwnerID: o.RequesterID, AmountCents: o.Amounts().ApprovalGrossCents}
	if st := o.OpenStage(); st != nil {
		obj.StageRole = st.Role
		obj.PriorActors = o.priorActors()
	}
	return obj
}

// FullyDelivered tells whether every line is delivered.
func (o *Order) FullyDelivered() bool {
	for _, l := range o.Lines {
		if l.Open() > 0 {
			return false
		}
	}
	return true
}

// LineFor returns the order's line of a product, or nil. Free lines have
// no product and are never found here (see LineNo).
func (o *Order) LineFor(productID int64) *Line {
	if productID == 0 {
		return nil
	}
	for _, l := range o.Lines {
		if l.ProductID == productID {
			return l
		}
	}
	return nil
}

// LineNo returns the order's line with position no, or nil: the way to
// name a free line, which has no product.
func (o *Order) LineNo(no int) *Line {
	for _, l := range o.Lines {
		if l.LineNo == no {
			return l
		}
	}
	return nil
}

// LineByID returns the order's line with id, or nil (a delivery line
// points at its order line by id).
func (o *Order) LineByID(id int64) *Line {
	for _, l := range o.Lines {
		if l.ID == id {
			return l
		}
	}
	return nil
}
