package subscription

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/invoice"
	"coopshop/internal/workflow"
)

// Run is one billing run: a provider's month, started once; it is done
// when every member with a subscription active in the month has its
// invoice (a run that crashed or met a member without Leitweg-ID stays
// running and finishes when started again).
type Run struct {
	bun.BaseModel `bun:"table:billing_runs,alias:br"`

	ID         int64      `bun:"id,pk,autoincrement"`
	ProviderID int64      `bun:"provider_id"`
	Month      string     `bun:"month"`
	State      string     `bun:"state"` // RunRunning or RunDone
	StartedBy  *int64     `bun:"started_by"`
	StartedAt  time.Time  `bun:"started_at"`
	FinishedAt *time.Time `bun:"finished_at"`

	// Invoices are the run's invoices (filled by Runs).
	Invoices []RunInvoice `bun:"-"`
}

// The states of a run.
const (
	RunRunning = "running"
	RunDone    = "done"
)

// RunInvoice is an invoice a run created, as the finance page lists it.
type RunInvoice struct {
	InvoiceID  int64  `bun:"invoice_id"`
	Number     string `bun:"number"`
	MemberID   int64  `bun:"organisation_id"`
	MemberName string `bun:"member_name"`
	GrossCents int64  `bun:"gross_cents"`
	RunID      int64  `bun:"billing_run_id"`
}

// Failure is a member that a run could not invoice, and why (German).
type Failure struct {
	MemberID   int64
	MemberName string
	Reason     string
}

// RunResult is what one call of BillingRun did: the invoices it created,
// how many members were invoiced for the month before (skipped), and the
// members it could not invoice.
type RunResult struct {
	Month    Month
	Run      *Run
	Invoices []*invoice.Invoice
	Skipped  int
	Failures []Failure
}

// BillingRunEndpoint names billing runs among the creations that keep
// idempotency keys.
const BillingRunEndpoint = "billing_run.create"

// BillingRun invoices month (YYYY-MM) in arrears (finance): for every
// member with a rental or seat subscription active in the month one
// invoice (order_id null) whose lines carry order number, subscription
// and service period, pro rata by days (Lines). A month that is not over
// is a 422. Each member is invoiced in a transaction of its own that first
// claims the member's month (billing_invoices, primary key): a second run
// or one running at the same time skips it, a crashed run resumes where
// it stopped. A member without Leitweg-ID is reported and left for the
// next run; the run is done when no member is left.
func (s *Service) BillingRun(ctx context.Context, actor account.Principal, month string) (*RunResult, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "create", authz.On("billing_run")); err != nil {
		return nil, err
	}
	return s.billingRun(ctx, actor, month)
}

// billingRun is BillingRun after the authorization (the monthly job runs
// it as the system).
func (s *Service) billingRun(ctx context.Context, actor account.Principal, month string) (*RunResult, error) {
	m, err := ParseMonth(month)
	if err != nil {
		return nil, apperr.Fields("Bitte einen Monat angeben.", apperr.FieldError{Field: "month", Message: "Monat im Format JJJJ-MM, z. B. 2026-12."})
	}
	if today := s.today(); !m.Last().Before(today) {
		return nil, apperr.Fields(fmt.Sprintf("%s ist noch nicht vorbei: Abgerechnet wird ein Monat im Nachhinein.", m.German()),
			apperr.FieldError{Field: "month", Message: fmt.Sprintf("%s endet erst am %s.", m.German(), m.Last().German())})
	}
	run, err := s.openRun(ctx, actor, m)
	if err != nil {
		return nil, err
	}
	res := &RunResult{Month: m, Run: run}
	members, err := s.membersOf(ctx, m)
	if err != nil {
		return nil, err
	}
	done := 0
	for _, member := range members {
		if s.failAfter > 0 && done >= s.failAfter {
			return res, errors.New("billing run: injected failure")
		}
		inv, skipped, err := s.billMember(ctx, actor, run, member, m)
		switch {
		case errors.Is(err, invoice.ErrNoLeitwegID):
			res.Failures = append(res.Failures, Failure{MemberID: member.ID, MemberName: member.Name, Reason: apperr.MessageOf(err)})
			continue
		case err != nil:
			return res, fmt.Errorf("billing run %s, member %d: %w", m, member.ID, err)
		case skipped:
			res.Skipped++
		case inv != nil:
			res.Invoices = append(res.Invoices, inv)
			done++
		}
	}
	if len(res.Failures) == 0 && run.State != RunDone {
		now := s.Clock.Now().UTC()
		if _, err := s.DB.NewUpdate().Model((*Run)(nil)).Set("state = ?, finished_at = ?", RunDone, now).
			Where("id = ? AND state = ?", run.ID, RunRunning).Exec(ctx); err != nil {
			return res, fmt.Errorf("finish billing run: %w", err)
		}
		run.State, run.FinishedAt = RunDone, &now
	}
	return res, nil
}

// openRun finds or creates the run of month m (one per provider and
// month; a concurrent creation is no error).
func (s *Service) openRun(ctx context.Context, actor account.Principal, m Month) (*Run, error) {
	var provider int64
	if err := s.DB.NewSelect().Table("organisations").Column("id").Where("kind = ?", account.KindProvider).OrderExpr("id").Limit(1).Scan(ctx, &provider); err != nil {
		return nil, fmt.Errorf("billing run: provider: %w", err)
	}
	run := &Run{ProviderID: provider, Month: m.String(), State: RunRunning, StartedAt: s.Clock.Now().UTC()}
	if actor.User != nil && actor.User.ID != 0 {
		id := actor.User.ID
		run.StartedBy = &id
	}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(run).On("CONFLICT (provider_id, month) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("billing run: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "billing_run.start", Entity: "billing_run",
				EntityID: run.ID, Version: 1, Detail: map[string]any{"month": run.Month}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := new(Run)
	if err := s.DB.NewSelect().Model(out).Where("provider_id = ? AND month = ?", provider, m.String()).Scan(ctx); err != nil {
		return nil, fmt.Errorf("billing run: %w", err)
	}
	return out, nil
}

// member is a member with subscriptions active in a month.
type member struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
}

// activeIn is the condition of subscriptions active on some day of m.
func activeIn(q *bun.SelectQuery, m Month) *bun.SelectQuery {
	return q.Where("s.start_date IS NOT NULL AND s.start_date <= ?", m.Last().String()).
		Where("(s.end_date IS NULL OR s.end_date >= ?)", m.First().String())
}

// membersOf lists the members with a subscription active in m, by id.
func (s *Service) membersOf(ctx context.Context, m Month) ([]member, error) {
	var out []member
	q := s.DB.NewSelect().TableExpr("organisations AS org").ColumnExpr("org.id, org.name").
		Where("org.id IN (?)", activeIn(s.DB.NewSelect().TableExpr("subscriptions AS s").Column("s.organisation_id"), m)).
		OrderExpr("org.id")
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("billing run: members: %w", err)
	}
	return out, nil
}

// billMember invoices one member's month in a transaction of its own:
// the claim first (skipped when it exists), then the invoice. A member
// whose subscriptions give no line (count 0 all month) gets none and
// leaves no claim.
func (s *Service) billMember(ctx context.Context, actor account.Principal, run *Run, mb member, m Month) (inv *invoice.Invoice, skipped bool, err error) {
	errNothing := errors.New("nothing to bill")
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewRaw(`INSERT INTO billing_invoices (organisation_id, month, billing_run_id) VALUES (?, ?, ?)
			ON CONFLICT (organisation_id, month) DO NOTHING`, mb.ID, m.String(), run.ID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			skipped = true
			return nil
		}
		var subs []*Subscription
		if err := activeIn(tx.NewSelect().Model(&subs), m).Where("s.organisation_id = ?", mb.ID).OrderExpr("s.order_id, s.line_no, s.id").Scan(ctx); err != nil {
			return fmt.Errorf("subscriptions: %w", err)
		}
		if err := attachChanges(ctx, tx, subs); err != nil {
			return err
		}
		if err := attachUnits(ctx, tx, subs); err != nil {
			return err
		}
		var lines []*invoice.Line
		for _, sub := range subs {
			lines = append(lines, Lines(sub, sub.Changes, m)...)
		}
		if len(lines) == 0 {
			return errNothing
		}
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].OrderNumber < lines[j].OrderNumber })
		inv, err = s.Invoices.IssueLines(ctx, tx, actor, invoice.LinesInput{MemberID: mb.ID, Lines: lines,
			ServiceFrom: m.First(), ServiceTo: m.Last(), Event: "billing_run",
			Detail: map[string]any{"month": m.String(), "billing_run_id": run.ID}})
		if err != nil {
			return err
		}
		_, err = tx.NewRaw("UPDATE billing_invoices SET invoice_id = ? WHERE organisation_id = ? AND month = ?", inv.ID, mb.ID, m.String()).Exec(ctx)
		return err
	})
	if errors.Is(err, errNothing) {
		return nil, false, nil
	}
	return inv, skipped, err
}

// Runs lists the billing runs, newest month first, each with the invoices
// it created (finance, auditor, admin).
func (s *Service) Runs(ctx context.Context, actor account.Principal, limit int) ([]*Run, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("billing_run")); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 120 {
		limit = 24
	}
	var runs []*Run
	if err := s.DB.NewSelect().Model(&runs).OrderExpr("month DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("billing runs: %w", err)
	}
	if len(runs) == 0 {
		return runs, nil
	}
	ids := make([]int64, len(runs))
	byID := map[int64]*Run{}
	for i, r := range runs {
		ids[i], byID[r.ID] = r.ID, r
	}
	var invs []RunInvoice
	if err := s.DB.NewSelect().TableExpr("billing_invoices AS bi").Join("JOIN invoices AS i ON i.id = bi.invoice_id").
		ColumnExpr("bi.invoice_id, bi.organisation_id, bi.billing_run_id, i.number, i.member_name, i.gross_cents").
		Where("bi.billing_run_id IN (?)", bun.List(ids)).OrderExpr("i.number").Scan(ctx, &invs); err != nil {
		return nil, fmt.Errorf("billing run invoices: %w", err)
	}
	for _, inv := range invs {
		byID[inv.RunID].Invoices = append(byID[inv.RunID].Invoices, inv)
	}
	return runs, nil
}

// system is the principal of the monthly job.
func system() account.Principal { return workflow.System().Actor }
