package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

// base is the smallest set of rows an order line can hang on, inserted
// with plain SQL so that schema tests need no service.
type base struct {
	OrgID, UserID, ProductID, OrderID int64
}

func insertID(t *testing.T, bdb bun.IDB, query string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := bdb.NewRaw(query+" RETURNING id", args...).Scan(context.Background(), &id); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return id
}

func seedBase(t *testing.T, bdb bun.IDB) base {
	t.Helper()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var b base
	b.OrgID = insertID(t, bdb, "INSERT INTO organisations (kind, name, created_at) VALUES ('member', 'Stadt Testhausen', ?)", now)
	b.UserID = insertID(t, bdb, "INSERT INTO users (organisation_id, email, name, password_hash, created_at) VALUES (?, 'p@test.example', 'P', 'x', ?)", b.OrgID, now)
	b.ProductID = insertID(t, bdb, "INSERT INTO products (sku, name, kind, created_at, updated_at) VALUES ('NB-1', 'Notebook', 'hardware', ?, ?)", now, now)
	b.OrderID = insertID(t, bdb, `INSERT INTO orders (number, organisation_id, requester_id, state, submitted_at, updated_at)
		VALUES ('BA-2026-000001', ?, ?, 'submitted', ?, ?)`, b.OrgID, b.UserID, now, now)
	return b
}
