package ordertest

import (
	"fmt"
	"strings"
	"testing"

	"coopshop/internal/db"
	"coopshop/internal/webtest"
)

// Count sends one request through do with cnt reset and returns the
// number of statements it sent (the session or token lookup included,
// transaction control not) and their text, for the message of a failed
// budget.
func Count(t testing.TB, cnt *db.StatementCounter, do func() webtest.Response) (int, string) {
	t.Helper()
	cnt.Reset()
	r := do()
	if r.Status >= 400 {
		t.Fatalf("status %d: %.300s", r.Status, r.Body)
	}
	stmts := cnt.Statements()
	var b strings.Builder
	for i, s := range stmts {
		fmt.Fprintf(&b, "  %2d %.220s\n", i+1, strings.Join(strings.Fields(s), " "))
	}
	return cnt.Count(), b.String()
}
