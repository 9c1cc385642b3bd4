package ui

import (
	"time"

	"coopshop/internal/order"
)

// inboxRow is an order waiting for a decision, with how long it waits.
type inboxRow struct {
	*order.Order
	Days  int
	Stage *order.Stage
	Of    int
}

// inboxRows prepares orders for an inbox; since says how many days each
// waits.
func inboxRows(orders []*order.Order, since func(*order.Order) int) []inboxRow {
	out := make([]inboxRow, 0, len(orders))
	for _, o := range orders {
		out = append(out, inboxRow{Order: o, Days: since(o), Stage: o.OpenStage(), Of: len(o.RoundStages())})
	}
	return out
}

// ageDays is how many whole days before the server clock's now t was.
func (h *Handler) ageDays(t time.Time) int { return int(h.Clock.Now().Sub(t).Hours() / 24) }
