package provision

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
)

// The units of a seat subscription are those of the lines that ordered
// its seats: the subscription's own order line and the lines of its
// change orders (order_lines.subscription_id). Seat changes move them
// (FollowSeats), the billing run counts the active ones (ActiveSpans).

// seatLines selects the provisioning lines of seat subscription subID,
// whose own order line is orderLineID: its own line first, then its
// change orders' in order.
func seatLines(idb bun.IDB, dst *[]*Line, subID, orderLineID int64) *bun.SelectQuery {
	return selectLines(idb, dst).
		Where("pl.order_line_id = ? OR ol.subscription_id = ?", orderLineID, subID).
		OrderExpr("CASE WHEN pl.order_line_id = ? THEN 0 ELSE 1 END, pl.order_id, pl.line_no", orderLineID)
}

// SeatUnits is what FollowSeats did to a subscription's units.
type SeatUnits struct {
	Ended int `json:"ended,omitempty"` // units given an end
	Added int `json:"added,omitempty"` // units added, ordered
}

// FollowSeats makes the units of seat subscription subID (own order line
// orderLineID) follow its new seat count from day from, inside the
// transaction tx of the seat change (internal/subscription, which
// authorized and audits it). A subscription whose own line has no
// provisioning (its product needs no set-up, or it was taken over
// without units) is left alone. When fewer units run on than count (units without an end), new
// units are added to its own line, ordered, for sales to set up; when
// more run on, those beyond count end on lastDay (the day before the new
// count, or a cancellation's end): active units are kept before units not
// yet set up, each group in line and unit order. The lines' heads follow
// (open while a unit that runs on is not active) with a new version.
func FollowSeats(ctx context.Context, tx bun.IDB, subID, orderLineID, count int64, lastDay calendar.Date, now time.Time) (SeatUnits, error) {
	var out SeatUnits
	var lines []*Line
	if err := seatLines(tx, &lines, subID, orderLineID).Scan(ctx); err != nil {
		return out, fmt.Errorf("provisioning of subscription %d: %w", subID, err)
	}
	if len(lines) == 0 || lines[0].OrderLineID != orderLineID {
		return out, nil // not set up per unit (or taken over without units)
	}
	if err := withUnits(ctx, tx, lines); err != nil {
		return out, err
	}
	var running []*Unit
	lineOf := map[int64]*Line{}
	for _, l := range lines {
		for _, u := range l.Units {
			lineOf[u.LineID] = l
			if u.EndedOn.IsZero() {
				running = append(running, u)
			}
		}
	}
	sort.SliceStable(running, func(i, j int) bool { return running[i].State == Active && running[j].State != Active })
	touched := map[*Line]bool{}
	if int64(len(running)) > count {
		ended := running[count:]
		for _, u := range ended {
			u.EndedOn, u.UpdatedAt = lastDay, now
			touched[lineOf[u.LineID]] = true
		}
		if _, err := tx.NewUpdate().Model(&ended).Column("ended_on", "updated_at").Bulk().Exec(ctx); err != nil {
			return out, fmt.Errorf("end units of subscription %d: %w", subID, err)
		}
		out.Ended = len(ended)
	}
	if missing := count - int64(len(running)); missing > 0 {
		own := lines[0]
		last := 0
		for _, u := range own.Units {
			last = max(last, u.UnitNo)
		}
		for from := last + 1; from <= last+int(missing); from += unitBatch {
			to := min(last+int(missing), from+unitBatch-1)
			units := make([]*Unit, 0, to-from+1)
			for no := from; no <= to; no++ {
				units = append(units, &Unit{LineID: own.ID, UnitNo: no, State: Ordered, UpdatedAt: now})
			}
			if _, err := tx.NewInsert().Model(&units).Exec(ctx); err != nil {
				return out, fmt.Errorf("add units to subscription %d: %w", subID, err)
			}
			own.Units = append(own.Units, units...)
		}
		own.UnitCount = len(own.Units)
		touched[own] = true
		out.Added = int(missing)
	}
	for l := range touched {
		if _, err := tx.NewUpdate().Model((*Line)(nil)).Set("units = ?, state = ?, version = version + 1, updated_at = ?", len(l.Units), l.stateNow(), now).
			Where("id = ?", l.ID).Exec(ctx); err != nil {
			return out, fmt.Errorf("provisioning line %d: %w", l.ID, err)
		}
	}
	return out, nil
}

// stateNow is the head state the line's units give: open while a unit
// that runs on is not active, done otherwise.
func (l *Line) stateNow() LineState {
	if len(l.Open()) > 0 {
		return LineOpen
	}
	return LineDone
}

// Span is how many active units of a subscription run from a day to a
// day (To zero: open-ended), for the billing run.
type Span struct {
	From, To calendar.Date
	N        int64
}

// spanRow is one group of units as ActiveSpans reads them.
type spanRow struct {
	SubscriptionID int64         `bun:"subscription_id"`
	State          UnitState     `bun:"state"`
	ActivatedOn    calendar.Date `bun:"activated_on,type:text"`
	EndedOn        calendar.Date `bun:"ended_on,type:text"`
	N              int64         `bun:"n"`
}

// ActiveSpans reads, for each of the seat subscriptions subIDs that is
// provisioned (its own order line has units), the spans of its active units: each
// runs from its activation to its end. A subscription without units has
// no entry (its seat count alone is billed); one with units but none
// active has an empty list.
func ActiveSpans(ctx context.Context, idb bun.IDB, subIDs []int64) (map[int64][]Span, error) {
	out := map[int64][]Span{}
	if len(subIDs) == 0 {
		return out, nil
	}
	var rows []spanRow
	err := idb.NewSelect().TableExpr("subscriptions AS s").
		ColumnExpr("s.id AS subscription_id, pu.state, pu.activated_on, pu.ended_on, COUNT(*) AS n").
		Join("JOIN order_lines AS ol ON ol.id = s.order_line_id OR ol.subscription_id = s.id").
		Join("JOIN provision_lines AS pl ON pl.order_line_id = ol.id").
		Join("JOIN provision_units AS pu ON pu.provision_line_id = pl.id").
		Where("s.id IN (?)", bun.List(subIDs)).
		Where("EXISTS (SELECT 1 FROM provision_lines AS own WHERE own.order_line_id = s.order_line_id)").
		GroupExpr("s.id, pu.state, pu.activated_on, pu.ended_on").
		OrderExpr("s.id, pu.activated_on").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("active units: %w", err)
	}
	for _, r := range rows {
		spans := out[r.SubscriptionID]
		if r.State == Active && !r.ActivatedOn.IsZero() {
			spans = append(spans, Span{From: r.ActivatedOn, To: r.EndedOn, N: r.N})
		}
		if spans == nil {
			spans = []Span{}
		}
		out[r.SubscriptionID] = spans
	}
	return out, nil
}
