package api

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// The JSON shapes of quotations (API.md). Discounts travel as percent
// (discount_percent, up to two decimals) and, exactly, as basis points.

type quoteLineJSON struct {
	ProductID       *int64  `json:"product_id"`
	SKU             string  `json:"sku"`
	Description     string  `json:"description"`
	Quantity        int64   `json:"quantity"`
	Unit            string  `json:"unit"`
	UnitPriceCents  int64   `json:"unit_price_cents"`
	DiscountPercent float64 `json:"discount_percent"`
	DiscountBP      int64   `json:"discount_bp"`
	VATPercent      int64   `json:"vat_percent"`
	NetCents        int64   `json:"net_cents"`
}

type quoteJSON struct {
	ID            int64       `json:"id"`
	Number        string      `json:"number"`
	VersionNo     int         `json:"version_no"`
	DisplayNumber string      `json:"display_number"`
	State         quote.State `json:"state"`
	StateLabel    string      `json:"state_label"`
	Version       int64       `json:"version"`
	// OrderID is null for a project quotation until its acceptance
	// created the order.
	OrderID     *int64 `json:"order_id"`
	OrderNumber string `json:"order_number"`
	// Project quotations (issue 14): sales started them without an order;
	// a purchaser of the member takes one up (requester) with the header
	// of the order to come.
	Project         bool            `json:"project"`
	Title           string          `json:"title"`
	Requester       *refJSON        `json:"requester"`
	CostCentre      string          `json:"cost_centre"`
	DeliveryAddress string          `json:"delivery_address"`
	BuyerReference  string          `json:"buyer_reference"`
	Member          refJSON         `json:"member"`
	Lines           []quoteLineJSON `json:"lines,omitempty"`
	ValidUntil      calendar.Date   `json:"valid_until"`
	PaymentTerms    string          `json:"payment_terms"`
	DeliveryTerms   string          `json:"delivery_terms"`
	Note            string          `json:"note"`
	NetCents        int64           `json:"net_cents"`
	VATCents        int64           `json:"vat_cents"`
	GrossCents      int64           `json:"gross_cents"`
	amountsJSON
	VAT             []vatJSON  `json:"vat"`
	NeedsApproval   bool       `json:"needs_approval"`
	ApprovalReasons []string   `json:"approval_reasons"`
	DraftedBy       *refJSON   `json:"drafted_by"`
	SubmittedBy     *refJSON   `json:"submitted_by"`
	SubmittedAt     *time.Time `json:"submitted_at"`
	ApprovedBy      *refJSON   `json:"approved_by"`
	ApprovedAt      *time.Time `json:"approved_at"`
	SentBy          *refJSON   `json:"sent_by"`
	SentAt          *time.Time `json:"sent_at"`
	AnsweredBy      *refJSON   `json:"answered_by"`
	AnsweredAt      *time.Time `json:"answered_at"`
	AnswerComment   string     `json:"answer_comment"`
	// MemberApprovals are the stages of the member's approval of a sent
	// version: accepting decides the open one.
	MemberApprovals []memberApprovalJSON `json:"member_approvals"`
	CreatedAt       time.Time            `json:"created_at"`
	UpdatedAt       time.Time            `json:"updated_at"`
	PDF             string               `json:"pdf"`
	// Steps are the steps the caller may take now.
	Steps []quote.Step `json:"steps"`
}

// memberApprovalJSON is one stage of the member's approval of a quote
// (API.md: stage, role, state, decided_by, on_behalf_of, decided_at,
// comment).
type memberApprovalJSON struct {
	Stage         int        `json:"stage"`
	Role          string     `json:"role"`
	MinGrossCents int64      `json:"min_gross_cents"`
	State         string     `json:"state"`
	Current       bool       `json:"current"`
	DecidedBy     *refJSON   `json:"decided_by"`
	OnBehalfOf    *refJSON   `json:"on_behalf_of"`
	DecidedAt     *time.Time `json:"decided_at"`
	Comment       string     `json:"comment"`
}

func memberApprovalsOf(q *quote.Quote) []memberApprovalJSON {
	out := []memberApprovalJSON{}
	open := q.OpenMemberStage()
	for _, m := range q.MemberStages {
		out = append(out, memberApprovalJSON{Stage: m.StageNo, Role: m.Role, MinGrossCents: m.MinGrossCents, State: m.State,
			Current: m == open, DecidedBy: userRef(m.DecidedBy, m.DecidedByName), OnBehalfOf: userRef(m.OnBehalfOf, m.OnBehalfOfName), DecidedAt: m.DecidedAt, Comment: m.Comment})
	}
	return out
}

func userRef(id *int64, name string) *refJSON {
	if id == nil {
		return nil
	}
	return &refJSON{ID: *id, Name: name}
}

// quoteOf maps a version for the caller; full adds lines and steps.
func (h *Handler) quoteOf(p *account.Principal, q *quote.Quote, full bool) quoteJSON {
	out := quoteJSON{ID: q.ID, Number: q.Number, VersionNo: q.VersionNo, DisplayNumber: q.DisplayNumber(), State: q.State,
		StateLabel: q.State.Label(), Version: q.Version, OrderNumber: q.OrderNumber,
		Project: q.Project, Title: q.Title, CostCentre: q.CostCentre, DeliveryAddress: q.DeliveryAddress, BuyerReference: q.BuyerReference,
		Member: refJSON{ID: q.OrgID, Name: q.MemberName}, ValidUntil: q.ValidUntil, PaymentTerms: q.PaymentTerms,
		DeliveryTerms: q.DeliveryTerms, Note: q.Note, NetCents: q.NetCents, VATCents: q.VATCents, GrossCents: q.GrossCents,
		amountsJSON: amountsOf(q.Amounts()), VAT: []vatJSON{}, NeedsApproval: q.NeedsApproval, ApprovalReasons: []string{},
		MemberApprovals: memberApprovalsOf(q),
		DraftedBy:       userRef(q.DraftedBy, q.DrafterName), SubmittedBy: userRef(q.SubmittedBy, q.SubmitterName), SubmittedAt: q.SubmittedAt,
		ApprovedBy: userRef(q.ApprovedBy, q.ApproverName), ApprovedAt: q.ApprovedAt, SentBy: userRef(q.SentBy, q.SenderName), SentAt: q.SentAt,
		AnsweredBy: userRef(q.AnsweredBy, q.AnswererName), AnsweredAt: q.AnsweredAt, AnswerComment: q.AnswerComment,
		CreatedAt: q.CreatedAt, UpdatedAt: q.UpdatedAt, PDF: fmt.Sprintf("/api/v1/quotes/%d/pdf", q.ID), Steps: []quote.Step{}}
	if q.OrderID != 0 {
		id := q.OrderID
		out.OrderID = &id
	}
	if q.RequesterID != 0 {
		out.Requester = &refJSON{ID: q.RequesterID, Name: q.RequesterName}
	}
	if !full {
		return out
	}
	out.Lines = []quoteLineJSON{}
	for _, l := range q.Lines {
		out.Lines = append(out.Lines, quoteLineJSON{ProductID: l.ProductID, SKU: l.SKU, Description: l.Description, Quantity: l.Quantity,
			Unit: l.Unit, UnitPriceCents: l.UnitPriceCents, DiscountPercent: float64(l.DiscountBP) / 100, DiscountBP: l.DiscountBP,
			VATPercent: l.VATPercent, NetCents: l.NetCents})
	}
	for _, r := range q.Totals().Rates {
		out.VAT = append(out.VAT, vatJSON{r.VATPercent, r.NetCents, r.VATCents})
	}
	out.ApprovalReasons = append(out.ApprovalReasons, q.ApprovalReasons()...)
	out.Steps = append(out.Steps, h.Quotes.AllowedSteps(*p, q)...)
	if h.Quotes.Allowed(*p, q, quote.StepRequest) {
		out.Steps = append(out.Steps, quote.StepRequest)
	}
	return out
}

// quoteLineInJSON is one line of PATCH /api/v1/quotes/{id}. A line
// without product_id is a free line.
type quoteLineInJSON struct {
	ProductID       *int64      `json:"product_id"`
	Description     string      `json:"description"`
	Quantity        int64       `json:"quantity"`
	Unit            string      `json:"unit"`
	UnitPriceCents  int64       `json:"unit_price_cents"`
	DiscountPercent json.Number `json:"discount_percent"`
	VATPercent      int64       `json:"vat_percent"`
}

// quoteInJSON is the body of PATCH /api/v1/quotes/{id}; absent fields
// stay as they are.
type quoteInJSON struct {
	web.Versioned
	Lines         *[]quoteLineInJSON `json:"lines"`
	ValidUntil    *calendar.Date     `json:"valid_until"`
	PaymentTerms  *string            `json:"payment_terms"`
	DeliveryTerms *string            `json:"delivery_terms"`
	Note          *string            `json:"note"`
}

// input converts the body; a malformed discount is a field error.
func (in quoteInJSON) input() (quote.Input, error) {
	out := quote.Input{ValidUntil: in.ValidUntil, PaymentTerms: in.PaymentTerms, DeliveryTerms: in.DeliveryTerms, Note: in.Note}
	if in.Lines == nil {
		return out, nil
	}
	lines, err := lineInputs(*in.Lines)
	if err != nil {
		return out, err
	}
	out.Lines = &lines
	return out, nil
}

// lineInputs converts the lines of a body; a malformed discount is a
// field error.
func lineInputs(in []quoteLineInJSON) ([]quote.LineInput, error) {
	var fe []apperr.FieldError
	lines := make([]quote.LineInput, len(in))
	for i, l := range in {
		bp, ok := quote.ParsePercent(l.DiscountPercent.String())
		if !ok {
			fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].discount_percent", i), Message: "Der Rabatt liegt zwischen 0 und 100 % (höchstens zwei Nachkommastellen)."})
		}
		li := quote.LineInput{Description: l.Description, Quantity: l.Quantity, Unit: l.Unit, UnitPriceCents: l.UnitPriceCents,
			DiscountBP: bp, VATPercent: l.VATPercent}
		if l.ProductID != nil {
			li.ProductID = *l.ProductID
		}
		lines[i] = li
	}
	if fe != nil {
		return nil, apperr.Fields("Bitte prüfen Sie die Angaben zum Angebot.", fe...)
	}
	return lines, nil
}

// projectInJSON is the body of POST /api/v1/quotes: a project quotation
// for a member, without an order (issue 14).
type projectInJSON struct {
	MemberID   int64             `json:"member_id"`
	Title      string            `json:"title"`
	Lines      []quoteLineInJSON `json:"lines"`
	ValidUntil *calendar.Date    `json:"valid_until"`
	Note       string            `json:"note"`
}

// takeUpJSON is the body of POST /api/v1/quotes/{id}/request: the header
// of the order a purchaser takes a project quotation up with.
type takeUpJSON struct {
	web.Versioned
	CostCentre        string `json:"cost_centre"`
	DeliveryAddressID int64  `json:"delivery_address_id"`
	DeliveryAddress   string `json:"delivery_address"`
	BuyerReference    string `json:"buyer_reference"`
}

// quoteStates are the order states in which a quotation may exist.
var quoteStates = map[order.State]bool{order.StateQuoting: true, order.StateConfirmed: true, order.StateDelivered: true,
	order.StateInvoiced: true, order.StatePaid: true, order.StateClosed: true, order.StateWithdrawn: true}

// LatestQuoteIDs is the order JSON's quote_id for a page of orders: the
// newest version of each order's quotation the caller may see (a member
// does not see the draft of a revision yet), absent when there is none.
// One query for the page, none when no order can have a quotation.
func LatestQuoteIDs(ctx context.Context, d *web.Deps, p *account.Principal, orders ...*order.Order) map[int64]int64 {
	var ids []int64
	for _, o := range orders {
		if quoteStates[o.State] {
			ids = append(ids, o.ID)
		}
	}
	if d.Quotes == nil || p == nil || len(ids) == 0 {
		return nil
	}
	latest, err := d.Quotes.LatestForMany(ctx, *p, ids)
	if err != nil {
		d.Log.WarnContext(ctx, "latest quotes of orders", "err", err)
		return nil
	}
	return latest
}
