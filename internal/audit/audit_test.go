package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/dbtest"
)

func TestWriteIsPartOfTheTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		actor := audit.Actor{UserID: 7, Email: "einkauf@boerde.example", OrgID: 2}
		// A committed change leaves its entry.
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "order.submit", Entity: "order", EntityID: 1, Version: 1, Detail: map[string]int{"lines": 3}})
		})
		if err != nil {
			t.Fatal(err)
		}
		// A rolled-back change leaves none.
		boom := errors.New("boom")
		err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "order.approve", Entity: "order", EntityID: 1, Version: 2}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		got, err := audit.List(ctx, bdb, audit.Filter{Entity: "order", EntityID: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Action != "order.submit" || got[0].Detail != `{"lines":3}` || *got[0].OrgID != 2 || got[0].EntityVersion != 1 {
			t.Fatalf("entries = %+v", got)
		}
	})
}

func TestEntryOnBehalfOf(t *testing.T) {
	for detail, want := range map[string]string{
		`{"on_behalf_of":{"id":9,"name":"Käthe Kämmerer"},"stage":2}`: "Käthe Kämmerer",
		`{"stage":1}`: "",
		`plain text`:  "",
		``:            "",
	} {
		if got := (audit.Entry{Detail: detail}).OnBehalfOf(); got != want {
			t.Errorf("%q: %q, want %q", detail, got, want)
		}
	}
}
