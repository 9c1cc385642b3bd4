package invoice

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
)

// LinesInput is an invoice that another domain computed line by line: the
// monthly invoice of a member's rentals and seat subscriptions (billing
// run) or the buy-out of a rental. It has no order of its own (order_id
// null); each line names its order (OrderNumber), subscription and service
// period.
type LinesInput struct {
	MemberID int64
	// Lines are the printed lines; LineNo is assigned here. Quantity must
	// be positive and NetCents computed by the caller (pro rata).
	Lines []*Line
	// ServiceFrom..ServiceTo is the invoice's service period (both
	// inclusive); zero when it has a single ServiceDate instead.
	ServiceFrom, ServiceTo calendar.Date
	ServiceDate            calendar.Date
	// Event names the audit action's detail ("billing_run", "buyout").
	Event string
	// Detail is added to the audit entry (the billing month, the
	// subscription).
	Detail map[string]any
}

// ErrNoLeitwegID is returned (wrapped in an apperr 422) when the member has
// no Leitweg-ID: no invoice can be issued to it.
var ErrNoLeitwegID = errors.New("member without Leitweg-ID")

// IssueLines issues an invoice with the given lines to a member inside the
// caller's transaction tx: the gapless number RE-<year>-<n> is drawn in tx,
// the audit entry written, the PDF and the mail enqueued after the commit.
// It authorizes nothing: the caller (the billing run, a rental's buy-out)
// has asked the enforcer for its own step and passes the acting principal
// for created_by and the audit trail. A member without Leitweg-ID is a 422
// naming leitweg_id (errors.Is ErrNoLeitwegID).
func (s *Service) IssueLines(ctx context.Context, tx bun.IDB, actor account.Principal, in LinesInput) (*Invoice, error) {
	if len(in.Lines) == 0 {
		return nil, fmt.Errorf("invoice for member %d: no lines", in.MemberID)
	}
	member, err := account.GetOrganisation(ctx, tx, in.MemberID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(member.LeitwegID) == "" {
		return nil, errors.Join(ErrNoLeitwegID, apperr.Fields(fmt.Sprintf("%s hat keine Leitweg-ID: Ohne sie kann keine Rechnung ausgestellt werden.", member.Name),
			apperr.FieldError{Field: "leitweg_id", Message: fmt.Sprintf("Für %s ist keine Leitweg-ID hinterlegt (Mitgliedseinstellungen).", member.Name)}))
	}
	now := s.Clock.Now().UTC()
	inv, err := s.header(ctx, tx, actor, member, calendar.Of(now))
	if err != nil {
		return nil, err
	}
	inv.Kind = KindInvoice
	inv.ServiceDate, inv.ServiceFrom, inv.ServiceTo = in.ServiceDate, in.ServiceFrom, in.ServiceTo
	for i, l := range in.Lines {
		if l.Quantity <= 0 || l.NetCents < 0 {
			return nil, fmt.Errorf("invoice for member %d: line %d: quantity %d, net %d", in.MemberID, i+1, l.Quantity, l.NetCents)
		}
		l.LineNo = i + 1
		inv.Lines = append(inv.Lines, l)
	}
	if err := s.insert(ctx, tx, inv, now); err != nil {
		return nil, err
	}
	detail := map[string]any{"number": inv.Number, "event": in.Event, "lines": len(inv.Lines),
		"net_cents": inv.NetCents, "vat_cents": inv.VATCents, "gross_cents": inv.GrossCents}
	for k, v := range in.Detail {
		detail[k] = v
	}
	if err := audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "invoice.issue", Entity: "invoice", EntityID: inv.ID,
		Version: inv.Version, OrgID: inv.OrgID, Detail: detail}); err != nil {
		return nil, err
	}
	return inv, s.afterIssue(ctx, tx, inv)
}
