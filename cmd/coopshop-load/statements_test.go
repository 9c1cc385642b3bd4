package main

import "testing"

func TestShapeLeavesOutValues(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT * FROM jobs WHERE id = 42 AND kind = 'mail'", "SELECT * FROM jobs WHERE id = ? AND kind = ?"},
		{"UPDATE t SET a = $1,\n\t b = 'it''s' WHERE id = $2", "UPDATE t SET a = ?, b = ? WHERE id = ?"},
		{"SELECT x FROM t2 WHERE y = ?3", "SELECT x FROM t2 WHERE y = ?"},
	} {
		if got := shape(tc.in); got != tc.want {
			t.Errorf("shape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
