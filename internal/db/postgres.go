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
// simple protocol, one round trip each. The hot statements (prepared.go)
// send placeholders and are prepared and planned once per connection
// (issue 15: planning cost as much as executing).
func OpenPostgres(url string, params map[string]string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	// Only the prepared statements are planned once: PostgreSQL would
	// otherwise go on planning a statement for its values whenever its
	// plan for them looks cheaper than the generic one (the cart's priced
	// read: 0,6 ms planning on every call). They are lookups by key, whose
	// best plan does not depend on the values. (The setting also reaches
	// the queries inside PL/pgSQL functions; ours are triggers.)
	cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	return stdlib.OpenDB(*cfg), nil
}
