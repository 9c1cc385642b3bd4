// Package todo is the start page as a to-do list (issue 13): for the
// acting user, what waits for them – counted, with the oldest items – so
// that the start page and the badges of the navigation tell the same
// thing. It asks the domain services (which authorize through the
// enforcer) and adds nothing of its own to the database.
package todo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/subscription"
)

// Kind names one sort of waiting work, stable for tests and templates.
type Kind string

// The kinds of work, in the order the start page shows them.
const (
	KindApprove     Kind = "approve"      // orders and quotations waiting for the actor's approval (also as deputy)
	KindStuck       Kind = "stuck"        // requests nobody may decide any more (member admin)
	KindQuoteAnswer Kind = "quote_answer" // sent quotations the purchaser may answer
	// KindTakeUp: sent project quotations a purchaser may take up
	// (issue 14).
	KindTakeUp       Kind = "project_take_up"
	KindReturned     Kind = "returned"      // own requests returned for changes
	KindSalesInbox   Kind = "sales_inbox"   // approved orders waiting for sales
	KindQuoteApprove Kind = "quote_approve" // quotation drafts waiting for the sales lead's approval
	KindToInvoice    Kind = "to_invoice"    // delivered, not yet invoiced
	KindOverdue      Kind = "overdue"       // invoices past their due date
	KindSeatWishes   Kind = "seat_wishes"   // members' requests for fewer seats or cancellations, for sales
)

// MaxEntries is how many of the oldest items an Item keeps for the start
// page.
const MaxEntries = 3

// Entry is one waiting item: what it is and since when it waits.
type Entry struct {
	Title string
	Href  string
	Since time.Time
	// Urgent marks an Eilbestellung (issue 14): it comes before all
	// others, whatever its age.
	Urgent bool
}

// Item is one sort of waiting work: how many, where to do it and the
// oldest of them (at most MaxEntries, oldest first).
type Item struct {
	Kind    Kind
	Count   int
	Href    string
	Entries []Entry
}

// Oldest is when the oldest entry started waiting; zero when none.
func (it Item) Oldest() time.Time {
	if len(it.Entries) == 0 {
		return time.Time{}
	}
	return it.Entries[0].Since
}

// List is the actor's to-do list at one moment.
type List struct {
	Items []Item
	Now   time.Time
}

// Total is the number of waiting items of all kinds.
func (l List) Total() int {
	n := 0
	for _, it := range l.Items {
		n += it.Count
	}
	return n
}

// Count is the number of waiting items of one kind.
func (l List) Count(k Kind) int {
	for _, it := range l.Items {
		if it.Kind == k {
			return it.Count
		}
	}
	return 0
}

// Badge is the number the navigation entry href shows: the sum of the
// items that are done there (their href without its query).
func (l List) Badge(href string) int {
	n := 0
	for _, it := range l.Items {
		if path, _, _ := strings.Cut(it.Href, "?"); path == href {
			n += it.Count
		}
	}
	return n
}

// Service builds the to-do list from the domain services; a nil service
// leaves its kinds out.
type Service struct {
	Orders   *order.Service
	Quotes   *quote.Service
	Invoices *invoice.Service
	// Subscriptions gives sales the members' requests for fewer seats.
	Subscriptions *subscription.Service
	Clock         clock.Clock

	cache badgeCache // the navigation's lists (cache.go)
}

// Todo is what waits for the actor, kinds with nothing waiting left out.
// Each kind costs the one listing of its domain service; whoever may not
// see a kind (the service answers forbidden) does not get it.
func (s *Service) Todo(ctx context.Context, actor account.Principal) (List, error) {
	c := s.Clock
	if c == nil {
		c = clock.System()
	}
	l := List{Now: c.Now()}
	if actor.User == nil {
		return l, nil
	}
	for _, f := range []func(context.Context, account.Principal) (*Item, error){
		s.approve, s.stuck, s.quoteAnswer, s.projectTakeUp, s.returned, s.salesInbox, s.quoteApprove, s.toInvoice, s.overdue, s.seatWishes,
	} {
		it, err := f(ctx, actor)
		if errors.Is(err, apperr.ErrForbidden) {
			continue
		}
		if err != nil {
			return List{}, fmt.Errorf("to-do list: %w", err)
		}
		if it != nil && it.Count > 0 {
			sortEntries(it)
			l.Items = append(l.Items, *it)
		}
	}
	return l, nil
}

// sortEntries keeps the MaxEntries first entries: urgent ones
// (Eilbestellungen) first, then oldest first.
func sortEntries(it *Item) {
	sort.SliceStable(it.Entries, func(i, j int) bool {
		a, b := it.Entries[i], it.Entries[j]
		if a.Urgent != b.Urgent {
			return a.Urgent
		}
		return a.Since.Before(b.Since)
	})
	if len(it.Entries) > MaxEntries {
		it.Entries = it.Entries[:MaxEntries]
	}
}

func orderEntry(o *order.Order, since time.Time) Entry {
	title := o.Number
	if o.MemberName != "" {
		title += " – " + o.MemberName
	}
	return Entry{Title: title, Href: fmt.Sprintf("/orders/%d", o.ID), Since: since, Urgent: o.Urgent}
}

func quoteEntry(q *quote.Quote, since time.Time) Entry {
	title := q.DisplayNumber()
	if q.MemberName != "" {
		title += " – " + q.MemberName
	}
	if q.Project {
		title += " – Projekt „" + q.Title + "“"
	}
	return Entry{Title: title, Href: fmt.Sprintf("/quotes/%d", q.ID), Since: since}
}

func quoteSince(q *quote.Quote) time.Time {
	switch {
	case q.State == quote.StateSent && q.SentAt != nil:
		return *q.SentAt
	case q.State == quote.StateSubmitted && q.SubmittedAt != nil:
		return *q.SubmittedAt
	}
	return q.UpdatedAt
}

// approve: the approver's (and deputy's) inbox, orders and quotations.
func (s *Service) approve(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Orders == nil {
		return nil, nil
	}
	orders, err := s.Orders.Inbox(ctx, actor)
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindApprove, Href: "/inbox"}
	for _, o := range orders {
		it.Count++
		it.Entries = append(it.Entries, orderEntry(o, o.SubmittedAt))
	}
	if s.Quotes != nil {
		qs, err := s.Quotes.Inbox(ctx, actor)
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			it.Count++
			it.Entries = append(it.Entries, quoteEntry(q, quoteSince(q)))
		}
	}
	return it, nil
}

// stuck: requests of the member nobody may decide any more.
func (s *Service) stuck(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Orders == nil {
		return nil, nil
	}
	st, err := s.Orders.Stuck(ctx, actor)
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindStuck, Href: "/inbox"}
	for _, so := range st {
		it.Count++
		it.Entries = append(it.Entries, orderEntry(so.Order, so.Order.SubmittedAt))
	}
	return it, nil
}

// quoteAnswer: sent quotations of the member the actor may answer
// (revise or reject) but not accept – accepting is in approve.
func (s *Service) quoteAnswer(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Quotes == nil || !s.Quotes.Authz.Allowed(actor.Subject, "revise", authz.On("quote")) {
		return nil, nil
	}
	qs, err := s.Quotes.List(ctx, actor, quote.Filter{OrgID: actor.User.OrgID, States: []quote.State{quote.StateSent}, OldestFirst: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindQuoteAnswer, Href: "/quotes?state=sent"}
	for _, q := range qs {
		if s.Quotes.Allowed(actor, q, quote.StepAccept) || !s.Quotes.Allowed(actor, q, quote.StepRevise) {
			continue
		}
		if q.Project && q.TakenUpBy == nil {
			continue // a purchaser takes it up first (projectTakeUp)
		}
		it.Count++
		it.Entries = append(it.Entries, quoteEntry(q, quoteSince(q)))
	}
	return it, nil
}

// projectTakeUp: sent project quotations of the member nobody took up
// yet, for whoever may take them up (purchasers).
func (s *Service) projectTakeUp(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Quotes == nil {
		return nil, nil
	}
	qs, err := s.Quotes.ToTakeUp(ctx, actor)
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindTakeUp, Href: "/quotes?state=sent"}
	for _, q := range qs {
		it.Count++
		it.Entries = append(it.Entries, quoteEntry(q, quoteSince(q)))
	}
	return it, nil
}

// returned: the actor's own requests returned for changes.
func (s *Service) returned(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Orders == nil || !s.Orders.Authz.Allowed(actor.Subject, "submit", authz.On("order")) {
		return nil, nil
	}
	orders, err := s.Orders.List(ctx, actor, order.Filter{OrgID: actor.User.OrgID, States: []order.State{order.StateReturned}, Oldest: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindReturned, Href: "/orders?state=returned"}
	for _, o := range orders {
		if o.RequesterID != actor.User.ID {
			continue
		}
		it.Count++
		it.Entries = append(it.Entries, orderEntry(o, o.UpdatedAt))
	}
	return it, nil
}

// salesInbox: approved orders of all members waiting for sales.
func (s *Service) salesInbox(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Orders == nil {
		return nil, nil
	}
	orders, err := s.Orders.SalesInbox(ctx, actor)
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindSalesInbox, Href: "/sales/orders"}
	for _, o := range orders {
		it.Count++
		it.Entries = append(it.Entries, orderEntry(o, o.UpdatedAt))
	}
	return it, nil
}

// seatWishes: members' requests for fewer seats or cancellations, which
// need no approval and wait for sales to apply them.
func (s *Service) seatWishes(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Subscriptions == nil {
		return nil, nil
	}
	rs, err := s.Subscriptions.WaitingReductions(ctx, actor)
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindSeatWishes, Href: "/subscriptions"}
	for _, r := range rs {
		it.Count++
		it.Entries = append(it.Entries, Entry{Title: r.Name + " – " + r.MemberName, Href: fmt.Sprintf("/subscriptions/%d", r.SubscriptionID), Since: r.RequestedAt})
	}
	return it, nil
}

// quoteApprove: quotation drafts submitted for the internal approval the
// actor may give (the sales lead, or whoever stands in for one today;
// never a version they worked on): the sales lead's inbox „Freigaben“.
func (s *Service) quoteApprove(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Quotes == nil {
		return nil, nil
	}
	qs, err := s.Quotes.ApprovalInbox(ctx, actor)
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindQuoteApprove, Href: "/sales/approvals"}
	for _, q := range qs {
		it.Count++
		it.Entries = append(it.Entries, quoteEntry(q, quoteSince(q)))
	}
	return it, nil
}

// toInvoice: orders with deliveries not yet invoiced (finance).
func (s *Service) toInvoice(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Invoices == nil {
		return nil, nil
	}
	pending, err := s.Invoices.ToInvoice(ctx, actor, 200)
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindToInvoice, Href: "/finance"}
	for _, p := range pending {
		it.Count++
		it.Entries = append(it.Entries, orderEntry(p.Order, p.Order.UpdatedAt))
	}
	return it, nil
}

// overdue: invoices past their due date and not paid (finance).
func (s *Service) overdue(ctx context.Context, actor account.Principal) (*Item, error) {
	if s.Invoices == nil || !s.Invoices.Authz.Allowed(actor.Subject, "create", authz.On("invoice")) {
		return nil, nil
	}
	invs, err := s.Invoices.List(ctx, actor, invoice.Filter{Overdue: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	it := &Item{Kind: KindOverdue, Href: "/finance"}
	for _, inv := range invs {
		it.Count++
		title := inv.Number
		if inv.MemberName != "" {
			title += " – " + inv.MemberName
		}
		it.Entries = append(it.Entries, Entry{Title: title, Href: fmt.Sprintf("/invoices/%d", inv.ID), Since: dayStart(inv.DueDate)})
	}
	return it, nil
}

// dayStart is the Berlin midnight after which a due date is past.
func dayStart(d calendar.Date) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, calendar.Berlin).AddDate(0, 0, 1)
}
