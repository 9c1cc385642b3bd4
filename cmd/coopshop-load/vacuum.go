package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// vacuumEvery is how often standInForAutovacuum vacuums the job queue:
// under this load the queue changes some thousand rows a second, and
// migration 0083 has autovacuum take it after a thousand changes.
const vacuumEvery = time.Second

// analyzeEvery is how often it analyzes the queue as well: autovacuum
// visits a database once a minute (autovacuum_naptime), and the
// planner's view of the queue hardly moves. Analyzed each second, as the
// stand-in first did, the queue cost the database a fifth of a core (a
// sample of 30,000 rows each time: 200 ms on a table of 50,000 jobs)
// that a shop with autovacuum does not spend.
const analyzeEvery = time.Minute

// staleTables lists the tables of the current schema but the job queue
// that autovacuum would analyze now by its default rule: more rows
// changed since the last analysis than 50 and a tenth of the table. A
// server without it keeps the plans it made when the tables were empty,
// those of the foreign-key checks and the prepared statements too: a
// sequential scan of the orders for every order line, growing with every
// order of the run.
const staleTables = `SELECT quote_ident(s.relname) FROM pg_stat_user_tables AS s JOIN pg_class AS c ON c.oid = s.relid
	WHERE s.schemaname = current_schema() AND s.relname <> 'jobs'
		AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
	ORDER BY s.relname`

// standInForAutovacuum vacuums the job queue every vacuumEvery and
// analyzes it at the start and every analyzeEvery, and analyzes the other
// tables when autovacuum would (staleTables, looked at every vacuumEvery,
// where autovacuum looks once a minute), until ctx ends, when the server
// runs without autovacuum (as the CI machines' PostgreSQL does): a shop
// in use has autovacuum, and without it the queue's dead rows pile up
// over a run, every job claim wading through more of them (on a fresh
// database the submit phase's jobs ran on 7 to 10 s after it). It says so
// on out, and returns at once (pid 0) when autovacuum is on. It vacuums on one connection of its own, without parallel workers,
// and answers that connection's backend: the database's CPU per step
// leaves the stand-in's out (a second's vacuum took 0.1 s of a core).
func standInForAutovacuum(ctx context.Context, bdb *bun.DB, out io.Writer) (pid int, err error) {
	var setting string
	if err := bdb.NewRaw("SHOW autovacuum").Scan(ctx, &setting); err != nil {
		return 0, fmt.Errorf("autovacuum setting: %w", err)
	}
	if setting == "on" {
		return 0, nil
	}
	conn, err := bdb.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("connection for the vacuum: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		conn.Close()
		return 0, fmt.Errorf("connection for the vacuum: %w", err)
	}
	fmt.Fprintf(out, "autovacuum is off on this server: the load vacuums the job queue every %s and analyzes it every %s, as autovacuum would after migration 0083, and the other tables as autovacuum would (its CPU is not the steps')\n", vacuumEvery, analyzeEvery)
	go func() {
		defer conn.Close()
		t := time.NewTicker(vacuumEvery)
		defer t.Stop()
		var analyzed time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				stmt := "VACUUM (PARALLEL 0) jobs"
				if now.Sub(analyzed) >= analyzeEvery {
					stmt, analyzed = "VACUUM (ANALYZE, PARALLEL 0) jobs", now
				}
				if _, err := conn.ExecContext(ctx, stmt); err != nil && ctx.Err() == nil {
					fmt.Fprintf(out, "vacuum of the job queue: %v\n", err)
				}
				if err := analyzeStale(ctx, conn); err != nil && ctx.Err() == nil {
					fmt.Fprintf(out, "analyze: %v\n", err)
				}
			}
		}
	}()
	return pid, nil
}

// analyzeStale analyzes the tables staleTables names, in one statement.
func analyzeStale(ctx context.Context, conn bun.Conn) error {
	rows, err := conn.QueryContext(ctx, staleTables)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(tables) == 0 {
		return err
	}
	_, err = conn.ExecContext(ctx, "ANALYZE "+strings.Join(tables, ", "))
	return err
}
