package db_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/migrations"
)

func TestMigrateUpDownIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		m, err := db.NewMigrator(bdb, migrations.FS)
		if err != nil {
			t.Fatal(err)
		}
		// dbtest already migrated: a second Up applies nothing.
		done, err := m.Up(ctx)
		if err != nil || len(done) != 0 {
			t.Fatalf("second Up applied %d, err %v", len(done), err)
		}
		st, err := m.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.AppliedAt == nil {
				t.Fatalf("migration %s not applied", s.Name)
			}
		}
		last := st[len(st)-1]
		undone, err := m.Down(ctx)
		if err != nil || undone == nil || undone.Version != last.Version {
			t.Fatalf("Down = %v, %v; want version %d", undone, err, last.Version)
		}
		done, err = m.Up(ctx)
		if err != nil || len(done) != 1 || done[0].Version != last.Version {
			t.Fatalf("Up after Down = %v, %v", done, err)
		}
		// Every migration can go down and come back up.
		for range st {
			if _, err := m.Down(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
