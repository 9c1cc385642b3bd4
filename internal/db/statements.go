package db

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/uptrace/bun"
)

// StatementCounter is a bun query hook that counts the statements a
// database handle sends, so that tests can hold each request to a
// statement budget (issue 15): unlike timings, counts are deterministic.
// Transaction control (BEGIN, COMMIT, ROLLBACK, savepoints) is not counted:
// it costs a round trip, but the budgets are about the work.
type StatementCounter struct {
	n    atomic.Int64
	mu   sync.Mutex
	keep bool
	log  []string
}

// CountStatements installs a counter on bdb and returns it. keep records
// each statement's text too, for the message of a failed budget.
func CountStatements(bdb *bun.DB, keep bool) *StatementCounter {
	c := &StatementCounter{keep: keep}
	//lint:ignore SA1019 the counter must hook the handle the app under test already holds; WithQueryHook returns a clone
	bdb.AddQueryHook(c)
	counters.Store(bdb.Dialect(), c)
	return c
}

// BeforeQuery implements bun.QueryHook.
func (c *StatementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

// AfterQuery implements bun.QueryHook.
func (c *StatementCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	c.note(e.Query)
}

// note counts one statement sent, through bun or past it (Prepared).
func (c *StatementCounter) note(query string) {
	if txControl(query) {
		return
	}
	c.n.Add(1)
	if c.keep {
		c.mu.Lock()
		c.log = append(c.log, query)
		c.mu.Unlock()
	}
}

// Reset starts counting from zero.
func (c *StatementCounter) Reset() {
	c.n.Store(0)
	c.mu.Lock()
	c.log = nil
	c.mu.Unlock()
}

// Count is the number of statements since the last Reset.
func (c *StatementCounter) Count() int { return int(c.n.Load()) }

// Statements are the recorded statements since the last Reset (empty
// unless the counter keeps them).
func (c *StatementCounter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

func txControl(q string) bool {
	q = strings.TrimSpace(q)
	i := strings.IndexAny(q, " ;")
	if i < 0 {
		i = len(q)
	}
	switch strings.ToUpper(q[:i]) {
	case "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START":
		return true
	}
	return false
}
