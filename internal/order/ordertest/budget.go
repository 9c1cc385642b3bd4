package ordertest

import (
	"fmt"
	"strings"
	"testing"

	"coopshop/internal/db"
	"coopshop/internal/webtest"
)

// authStatements are the beginnings of the statements that authenticate
// a request: the token or session, the user, the deputies.
var authStatements = []string{`SELECT "token".`, `SELECT "session".`, `SELECT "u".`, `SELECT "dep".`}

// AuthExtra counts the statements beyond one that authenticate the
// request at the start of stmts. The budgets of issue 15 count one
// statement for the session or token lookup; until the branch has the
// lead's "auth: one statement" commit, a request spends three, and the
// budget tests take the two extra off. With that commit it is 0.
func AuthExtra(stmts []string) int {
	n := 0
	for _, s := range stmts {
		auth := false
		for _, p := range authStatements {
			auth = auth || strings.HasPrefix(strings.TrimSpace(s), p)
		}
		if !auth {
			break
		}
		n++
	}
	return max(n-1, 0)
}

// Count sends one request through do with cnt reset and returns the
// statements it cost (authentication counted as one statement) and their
// text, for the message of a failed budget.
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
	return cnt.Count() - AuthExtra(stmts), b.String()
}
