// Package db opens the database named by DATABASE_URL (embedded SQLite or
// PostgreSQL), runs transactions and migrations. Domain packages receive a
// bun.IDB so the same store function works inside or outside a transaction.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// Open connects to a sqlite:// or postgres:// URL and checks the connection.
// SQLite runs in WAL mode with immediate transactions and a busy timeout, so
// that concurrent writers queue instead of failing.
func Open(ctx context.Context, url string) (*bun.DB, error) {
	var bdb *bun.DB
	switch {
	case strings.HasPrefix(url, "sqlite://"):
		path := strings.TrimPrefix(url, "sqlite://")
		dsn, err := sqliteDSN(path)
		if err != nil {
			return nil, err
		}
		sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		sqldb.SetMaxOpenConns(8)
		// Each connection keeps its own page cache (2 MB); connections
		// opened for a burst of readers go again when it is over.
		sqldb.SetConnMaxIdleTime(30 * time.Second)
		bdb = bun.NewDB(sqldb, sqlitedialect.New())
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		sqldb, err := OpenPostgres(url, nil)
		if err != nil {
			return nil, err
		}
		sqldb.SetMaxOpenConns(32)
		sqldb.SetMaxIdleConns(32)
		bdb = bun.NewDB(sqldb, pgdialect.New())
	default:
		return nil, fmt.Errorf("DATABASE_URL %q: want sqlite://… or postgres://…", url)
	}
	if err := bdb.PingContext(ctx); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("connect database: %w", err)
	}
	return bdb, nil
}

func sqliteDSN(path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("sqlite:// needs a file path")
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", fmt.Errorf("create database directory: %w", err)
		}
	}
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite", nil
}

// IsPostgres tells whether SQL must take PostgreSQL's variant, for the few
// statements that differ (row locks, full-text search).
func IsPostgres(idb bun.IDB) bool {
	return idb.Dialect().Name() == dialect.PG
}

// RunInTx runs fn in one transaction and commits when it returns nil.
func RunInTx(ctx context.Context, bdb *bun.DB, fn func(ctx context.Context, tx bun.Tx) error) error {
	return bdb.RunInTx(ctx, nil, fn)
}
