package todo

import (
	"context"
	"sync"
	"time"

	"coopshop/internal/account"
)

// BadgeAge is how long the navigation's badges may lag behind the
// database for changes by others: the to-do list of a user is computed at
// most once in it per process, so that the badges do not make every page
// pay for the whole list (measured in internal/web/ui
// BenchmarkPageWithNav). The start page always computes it afresh, and a
// user's own changes forget it at once (Forget).
const BadgeAge = 30 * time.Second

// badgeCache keeps the last list per user, with the wall-clock time it
// was made (a technical age, not the domain's clock).
type badgeCache struct {
	mu   sync.Mutex
	byID map[int64]cached
}

type cached struct {
	list List
	at   time.Time
}

// Fresh is Todo, remembered for the navigation's badges of the following
// pages.
func (s *Service) Fresh(ctx context.Context, actor account.Principal) (List, error) {
	l, err := s.Todo(ctx, actor)
	if err != nil || actor.User == nil {
		return l, err
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.byID == nil {
		s.cache.byID = map[int64]cached{}
	}
	s.cache.byID[actor.User.ID] = cached{list: l, at: time.Now()}
	return l, nil
}

// Badges is the to-do list for the navigation: the remembered one when
// younger than BadgeAge, else a fresh one.
func (s *Service) Badges(ctx context.Context, actor account.Principal) (List, error) {
	if actor.User != nil {
		s.cache.mu.Lock()
		c, ok := s.cache.byID[actor.User.ID]
		s.cache.mu.Unlock()
		if ok && time.Since(c.at) < BadgeAge {
			return c.list, nil
		}
	}
	return s.Fresh(ctx, actor)
}

// Forget drops the remembered list of a user: after their own change
// (any non-GET request), the next page counts again.
func (s *Service) Forget(userID int64) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	delete(s.cache.byID, userID)
}
