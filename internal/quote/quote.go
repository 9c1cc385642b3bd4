// Package quote holds quotations (Angebote) for orders whose lines have no
// framework-contract price (DESIGN §3): versions v1, v2, … under one number
// AN-2026-000045, lines taken from the order plus free lines, per-line
// discounts, validity, terms; the internal approval by the sales lead
// (four-eyes) when a discount or the sum is large; sending, the member's
// answer (accept, reject, ask for a revision) and the expiry of unanswered
// quotations. Every step is one entry of the state machine in machine.go
// and runs through the step engine (internal/workflow): a state and
// version check, the enforcer's decision, an audit entry and the
// notifications. The steps that also change the order (open, accept,
// reject, expire) take the caller's transaction: internal/sales runs them
// together with the order's side.
package quote

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
)

// NumberPrefix starts every quotation number: AN-2026-000045.
const NumberPrefix = "AN"

// The thresholds of the internal approval (DESIGN §3): a quotation needs
// the sales lead when any line's discount exceeds ApprovalDiscountBP or its
// gross total exceeds ApprovalGrossCents.
const (
	ApprovalDiscountBP = 1000      // 10 %
	ApprovalGrossCents = 5_000_000 // 50.000,00 €
)

// ValidityDays is the default validity of a new version.
const ValidityDays = 30

// State is where one version of a quotation stands.
type State string

// The states. Draft, submitted and approved are internal to the provider:
// members never see a version in them.
const (
	StateDraft     State = "draft"
	StateSubmitted State = "submitted"
	StateApproved  State = "approved"
	StateSent      State = "sent"
	StateAccepted  State = "accepted"
	StateRejected  State = "rejected"
	StateRevision  State = "revision_requested"
	StateExpired   State = "expired"
)

// States lists every state in the order of the life cycle, for filters.
var States = []State{StateDraft, StateSubmitted, StateApproved, StateSent, StateAccepted, StateRejected, StateRevision, StateExpired}

// Label is the German name of the state.
func (s State) Label() string {
	switch s {
	case StateDraft:
		return "Entwurf"
	case StateSubmitted:
		return "Zur Freigabe"
	case StateApproved:
		return "Freigegeben"
	case StateSent:
		return "Versendet"
	case StateAccepted:
		return "Angenommen"
	case StateRejected:
		return "Abgelehnt"
	case StateRevision:
		return "Überarbeitung angefordert"
	case StateExpired:
		return "Abgelaufen"
	}
	return string(s)
}

// Tone is the badge colour class of the state: ok, warn, bad or "".
func (s State) Tone() string {
	switch s {
	case StateApproved, StateAccepted:
		return "ok"
	case StateSubmitted, StateSent, StateRevision:
		return "warn"
	case StateRejected, StateExpired:
		return "bad"
	}
	return ""
}

// Internal tells whether a version in this state is still the provider's
// own business; members neither see nor download it.
func (s State) Internal() bool {
	return s == StateDraft || s == StateSubmitted || s == StateApproved
}

// Issued tells whether the version went out to the member: its PDF is
// stored and served from the store.
func (s State) Issued() bool { return !s.Internal() }

// Quote is one version of a quotation.
type Quote struct {
	bun.BaseModel `bun:"table:quotes,alias:q"`

	ID int64 `bun:"id,pk,autoincrement"`
	// OrderID is the order the quotation answers; 0 (NULL) for a project
	// quotation until its acceptance creates the order.
	OrderID       int64         `bun:"order_id,nullzero"`
	OrgID         int64         `bun:"organisation_id"`
	Number        string        `bun:"number"`
	VersionNo     int           `bun:"version_no"`
	State         State         `bun:"state"`
	Version       int64         `bun:"version"`
	ValidUntil    calendar.Date `bun:"valid_until,type:text"`
	PaymentTerms  string        `bun:"payment_terms"`
	DeliveryTerms string        `bun:"delivery_terms"`
	Note          string        `bun:"note"`
	NetCents      int64         `bun:"net_cents"`
	VATCents      int64         `bun:"vat_cents"`
	GrossCents    int64         `bun:"gross_cents"`
	NeedsApproval bool          `bun:"needs_approval"`
	DraftedBy     *int64        `bun:"drafted_by"`
	// Authors are kept in quote_authors (authors.go), not in this row.
	Authors       []int64    `bun:"-"`
	SubmittedBy   *int64     `bun:"submitted_by"`
	SubmittedAt   *time.Time `bun:"submitted_at"`
	ApprovedBy    *int64     `bun:"approved_by"`
	ApprovedAt    *time.Time `bun:"approved_at"`
	SentBy        *int64     `bun:"sent_by"`
	SentAt        *time.Time `bun:"sent_at"`
	AnsweredBy    *int64     `bun:"answered_by"`
	AnsweredAt    *time.Time `bun:"answered_at"`
	AnswerComment string     `bun:"answer_comment"`
	// Project marks a quotation sales started for a member without an
	// order (issue 14, project.go); Title says what it is about.
	Project bool   `bun:"project"`
	Title   string `bun:"title"`
	// TakenUpBy is the member's purchaser who took a sent project
	// quotation up (Request) with the header of the order to come; the
	// acceptance holds four-eyes against them.
	TakenUpBy       *int64     `bun:"requester_id"`
	TakenUpAt       *time.Time `bun:"requested_at"`
	CostCentre      string     `bun:"cost_centre"`
	DeliveryAddress string     `bun:"delivery_address"`
	BuyerReference  string     `bun:"buyer_reference"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`

	Lines []*Line `bun:"rel:has-many,join:id=quote_id"`
	// MemberStages are the member's approval of a sent version (member.go),
	// filled by the loaders.
	MemberStages []*MemberStage `bun:"-"`

	// Names for display, filled by the loaders.
	OrderNumber string `bun:"order_number,scanonly"`
	// RequesterID is the order's requester, or whoever took a project
	// quotation up (0 before).
	RequesterID   int64  `bun:"effective_requester_id,scanonly"`
	RequesterName string `bun:"effective_requester_name,scanonly"`
	MemberName    string `bun:"member_name,scanonly"`
	DrafterName   string `bun:"drafter_name,scanonly"`
	SubmitterName string `bun:"submitter_name,scanonly"`
	ApproverName  string `bun:"approver_name,scanonly"`
	SenderName    string `bun:"sender_name,scanonly"`
	AnswererName  string `bun:"answerer_name,scanonly"`
}

// Line is one line of a version: a product of the order, or a free line
// (installation, project days) without product.
type Line struct {
	bun.BaseModel `bun:"table:quote_lines,alias:ql"`

	ID             int64  `bun:"id,pk,autoincrement"`
	QuoteID        int64  `bun:"quote_id"`
	LineNo         int    `bun:"line_no"`
	ProductID      *int64 `bun:"product_id"`
	SKU            string `bun:"sku"`
	Description    string `bun:"description"`
	Quantity       int64  `bun:"quantity"`
	Unit           string `bun:"unit"`
	UnitPriceCents int64  `bun:"unit_price_cents"`
	DiscountBP     int64  `bun:"discount_bp"`
	VATPercent     int64  `bun:"vat_percent"`
	NetCents       int64  `bun:"net_cents"`
	// Kind and TermMonths are the product's (a free line is a service):
	// they decide how the line counts for the member's approval.
	Kind       string `bun:"kind"`
	TermMonths int64  `bun:"term_months"`
}

// Free tells whether the line has no product.
func (l *Line) Free() bool { return l.ProductID == nil }

// DisplayNumber is the number with the version, as printed: "AN-2026-000045 v2".
func (q *Quote) DisplayNumber() string { return q.Number + " v" + strconv.Itoa(q.VersionNo) }

// Object is the version as the enforcer sees it for the provider's steps:
// the member it is for, its drafter (the not_owner condition of approve),
// its gross amount. The member's acceptance sees MemberObject.
func (q *Quote) Object() authz.Object {
	obj := authz.Object{Kind: "quote", ID: q.ID, OrgID: q.OrgID, AmountCents: q.GrossCents}
	if q.DraftedBy != nil {
		obj.OwnerID = *q.DraftedBy
	}
	return obj
}

// Totals recomputes net, VAT per rate and gross from the lines.
func (q *Quote) Totals() money.Totals {
	ls := make([]money.Line, len(q.Lines))
	for i, l := range q.Lines {
		ls[i] = money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
	}
	return money.Sum(ls)
}

// ApprovalReasons says, in German, why the version needs the sales lead's
// approval; none when it does not.
func (q *Quote) ApprovalReasons() []string {
	var out []string
	for _, l := range q.Lines {
		if l.DiscountBP > ApprovalDiscountBP {
			out = append(out, "Rabatt von "+Percent(l.DiscountBP)+" % auf „"+l.Description+"“ (über 10 %)")
		}
	}
	if g := q.Totals().GrossCents; g > ApprovalGrossCents {
		out = append(out, "Gesamtbetrag "+money.Format(g)+" brutto (über "+money.Format(ApprovalGrossCents)+")")
	}
	return out
}

// DocumentDate is the date printed on the version: the day it was sent,
// before that the day it was created. It comes from the data, so the same
// version always renders the same bytes.
func (q *Quote) DocumentDate() calendar.Date {
	if q.SentAt != nil {
		return calendar.Of(*q.SentAt)
	}
	return calendar.Of(q.CreatedAt)
}

// ExpiredOn tells whether a sent version is past its validity on day.
func (q *Quote) ExpiredOn(day calendar.Date) bool {
	return !q.ValidUntil.IsZero() && q.ValidUntil.Before(day)
}

// AuthorIDs are the users who created, changed or submitted the version;
// none of them may approve it (four-eyes).
func (q *Quote) AuthorIDs() []int64 {
	return append([]int64(nil), q.Authors...)
}

// addAuthor records a user who worked on the version.
func (q *Quote) addAuthor(id int64) {
	if id == 0 {
		return
	}
	if !slices.Contains(q.Authors, id) {
		q.Authors = append(q.Authors, id)
	}
}

// Percent renders basis points as a German percentage without the sign:
// 1500 → "15", 1250 → "12,5", 1234 → "12,34".
func Percent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if frac := bp % 100; frac != 0 {
		f := strconv.FormatInt(frac, 10)
		if frac < 10 {
			f = "0" + f
		}
		s += "," + strings.TrimRight(f, "0")
	}
	return s
}

// ParsePercent reads a percentage typed by a person, "15", "12,5" or
// "12.5", into basis points; at most two decimals, 0 to 100.
func ParsePercent(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, true
	}
	s = strings.Replace(s, ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 || !digitsOnly(whole) || !digitsOnly(frac) || len(whole) > 3 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	bp := w*100 + f
	return bp, bp <= 10000
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
