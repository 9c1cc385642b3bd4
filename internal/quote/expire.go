package quote

import (
	"context"
	"log/slog"
	"time"
)

// RunExpiry is the periodic job that lets unanswered quotations expire
// (DESIGN §3): every interval, and once at start, every sent version whose
// validity ended before today expires and its order is closed, audited as
// the system. It returns when ctx ends. Several processes may run it at
// once: each expiry is a version-checked step, so a version expires once.
func (s *Service) RunExpiry(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.ExpireDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("expire quotations", "err", err)
		case n > 0:
			log.Info("quotations expired", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
