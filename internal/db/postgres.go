package db

import (
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// OpenPostgres opens a PostgreSQL pool through pgx. params are added to
// the connection's run-time parameters (tests set search_path).
//
// bun writes its arguments into the SQL text, so most statements differ
// in every call and gain nothing from being prepared: they go over the
// simple protocol, one round trip each, as before. The hot statements
// (Query, Exec in this package) send placeholders and are prepared once per
// connection; PostgreSQL then skips parsing and, after a few calls, planning
// (issue 15: planning cost as much as executing).
func OpenPostgres(url string, params map[string]string) (*sql.DB, error) {
	return openPostgres(url, params)
}

func openPostgres(url string, params map[string]string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	return stdlib.OpenDB(*cfg), nil
}
