package authz_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
)

// TestHoldersOf: for every action of the policy, the holders are exactly
// the users with a role the matrix allows it, in any organisation: every
// subject the enforcer allows the action on its kind is among them (no
// one who should hear of a step is left out), and nobody without such a
// role is.
func TestHoldersOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		for key, row := range matrix {
			kind, action, _ := strings.Cut(key, " ")
			holders := f.az.HoldersOf(kind, action)
			if !slices.IsSorted(holders) || len(slices.Compact(slices.Clone(holders))) != len(holders) {
				t.Errorf("%s: holders %v not sorted or not unique", key, holders)
			}
			for name, s := range f.subjects {
				allowed := f.az.Allowed(s, action, authz.On(kind))
				holds := false
				for i, role := range roleOrder {
					if row[i] == 'Y' && s.Has(role) {
						holds = true
					}
				}
				if in := slices.Contains(holders, s.UserID); in != holds || (allowed && !in) {
					t.Errorf("%s: %s (roles %v) among the holders %v, allowed on the kind %v, holds a role the matrix allows %v",
						key, name, s.Roles, in, allowed, holds)
				}
			}
		}
		// Several actions: the union.
		approve, confirm := f.az.HoldersOf("order", "approve"), f.az.HoldersOf("order", "confirm")
		both := f.az.HoldersOf("order", "approve", "confirm")
		if want := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(approve), confirm...)))); !slices.Equal(both, want) {
			t.Errorf("holders of approve or confirm %v, want %v", both, want)
		}
		if got := f.az.HoldersOf("order", "no_such_action"); len(got) != 0 {
			t.Errorf("holders of an action without a policy line: %v", got)
		}
	})
}
