package idempotency_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/idempotency"
)

// TestFromJSON: the hash follows the meaning of the body, not its
// spelling; a key is refused when it cannot be one.
func TestFromJSON(t *testing.T) {
	base, err := idempotency.FromJSON("k", []byte(`{"a":1,"b":["x","y"]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		key      string
		body     string
		same     bool
		wantCode apperr.Code
	}{
		{"reordered, spaced", "k", "{ \"b\" : [\"x\", \"y\"],\n\"a\": 1 }", true, ""},
		{"other value", "k", `{"a":2,"b":["x","y"]}`, false, ""},
		{"other list order", "k", `{"a":1,"b":["y","x"]}`, false, ""},
		{"number spelled differently", "k", `{"a":1.0,"b":["x","y"]}`, false, ""},
		{"key with a space", "a b", `{}`, false, apperr.Invalid},
		{"key too long", string(make([]byte, 201)), `{}`, false, apperr.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := idempotency.FromJSON(tc.key, []byte(tc.body))
			if tc.wantCode != "" {
				if apperr.CodeOf(err) != tc.wantCode || apperr.FieldsOf(err)[0].Field != idempotency.Header {
					t.Fatalf("err %v, want %s naming %s", err, tc.wantCode, idempotency.Header)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (r.Hash == base.Hash) != tc.same {
				t.Fatalf("same hash %v, want %v", r.Hash == base.Hash, tc.same)
			}
		})
	}
	if r, err := idempotency.FromJSON("  ", []byte(`{}`)); err != nil || !r.Empty() {
		t.Fatalf("blank key: %+v, %v", r, err)
	}
}

// TestPriorAndRemember: keys are per user and endpoint; the same key with
// another hash is a 422.
func TestPriorAndRemember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, bdb); err != nil {
			t.Fatal(err)
		}
		u1, err := account.UserByEmail(ctx, bdb, "einkauf@boerde.example")
		if err != nil {
			t.Fatal(err)
		}
		u2, err := account.UserByEmail(ctx, bdb, "einkauf@weissenfels.example")
		if err != nil {
			t.Fatal(err)
		}
		req := idempotency.Request{Key: "k", Hash: "h1"}
		if err := idempotency.Remember(ctx, bdb, req.For(u1.ID, "thing.create"), 42, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := idempotency.Remember(ctx, bdb, req.For(u1.ID, "thing.create"), 43, time.Now()); err == nil {
			t.Fatal("a key was stored twice")
		}
		tests := []struct {
			name     string
			s        idempotency.Scoped
			want     int64
			wantCode apperr.Code
		}{
			{"same", req.For(u1.ID, "thing.create"), 42, ""},
			{"other hash", idempotency.Request{Key: "k", Hash: "h2"}.For(u1.ID, "thing.create"), 0, apperr.Invalid},
			{"other user", req.For(u2.ID, "thing.create"), 0, ""},
			{"other endpoint", req.For(u1.ID, "other.create"), 0, ""},
			{"no key", idempotency.Request{}.For(u1.ID, "thing.create"), 0, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				id, err := idempotency.Prior(ctx, bdb, tc.s)
				if apperr.CodeOf(err) != tc.wantCode && !(tc.wantCode == "" && err == nil) {
					t.Fatalf("err %v, want %q", err, tc.wantCode)
				}
				if id != tc.want {
					t.Fatalf("id %d, want %d", id, tc.want)
				}
			})
		}
	})
}
