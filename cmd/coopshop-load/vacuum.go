package main

import (
	"context"
	"fmt"
	"io"
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

// standInForAutovacuum vacuums the job queue every vacuumEvery, and
// analyzes it at the start and every analyzeEvery, until ctx ends, when
// the server runs without autovacuum (as the CI machines' PostgreSQL
// does): a shop in use has autovacuum, and without it the queue's dead
// rows pile up over a run, every job claim wading through more of them
// (on a fresh database the submit phase's jobs ran on 7 to 10 s after
// it). It says so on out, and returns at once (pid 0) when autovacuum is
// on. It vacuums on one connection of its own, without parallel workers,
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
	fmt.Fprintf(out, "autovacuum is off on this server: the load vacuums the job queue every %s and analyzes it every %s, as autovacuum would after migration 0083 (its CPU is not the steps')\n", vacuumEvery, analyzeEvery)
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
			}
		}
	}()
	return pid, nil
}
