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

// standInForAutovacuum vacuums and analyzes the job queue every
// vacuumEvery until ctx ends, when the server runs without autovacuum
// (as the CI machines' PostgreSQL does): a shop in use has autovacuum,
// and without it the queue's dead rows pile up over a run, every job
// claim wading through more of them (on a fresh database the submit
// phase's jobs ran on 7 to 10 s after it). It says so on out, and
// returns at once when autovacuum is on.
func standInForAutovacuum(ctx context.Context, bdb *bun.DB, out io.Writer) error {
	var setting string
	if err := bdb.NewRaw("SHOW autovacuum").Scan(ctx, &setting); err != nil {
		return fmt.Errorf("autovacuum setting: %w", err)
	}
	if setting == "on" {
		return nil
	}
	fmt.Fprintf(out, "autovacuum is off on this server: the load vacuums the job queue every %s, as migration 0083 has autovacuum do\n", vacuumEvery)
	go func() {
		t := time.NewTicker(vacuumEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := bdb.ExecContext(ctx, "VACUUM (ANALYZE) jobs"); err != nil && ctx.Err() == nil {
					fmt.Fprintf(out, "vacuum of the job queue: %v\n", err)
				}
			}
		}
	}()
	return nil
}
