package subscription

import (
	"context"

	"github.com/uptrace/bun"
)

// Insert writes a subscription (and its first count) for tests that need
// many or back-dated ones.
func Insert(ctx context.Context, tx bun.IDB, sub *Subscription) error { return insert(ctx, tx, sub) }

// FailAfter makes the next billing runs fail after n members (0: never),
// as a crash half-way would.
func (s *Service) FailAfter(n int) { s.failAfter = n }

// LineNet exposes the pro rata rule.
var LineNet = lineNet
