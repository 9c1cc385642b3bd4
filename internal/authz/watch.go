package authz

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// PolicyChannel is the PostgreSQL notification channel on which a commit
// that changed the policy is announced: migration 0079's trigger on
// casbin_rule sends it from inside the changing transaction (delivered on
// commit, dropped on rollback), with the table's schema as payload.
const PolicyChannel = "coopshop_policy"

// AccountsChannel is where a commit that changed what principals are made
// of is announced: migration 0084's triggers on users, organisations,
// deputies and api_tokens send it, with the schema as payload. A
// notification there moves the Authorizer's Epoch on (Touch) without a
// reload of the policy.
const AccountsChannel = "coopshop_accounts"

// Watcher keeps the enforcer of one process in step with policy changes
// that other processes commit to the same PostgreSQL database, so that a
// role removed through one process is refused by all of them at once
// rather than at their next periodic reload. On SQLite, which serves one
// process that reloads after its own changes, it does nothing.
type Watcher struct {
	DB    *bun.DB
	Authz *Authorizer
	Log   *slog.Logger
	// Channel is the channel listened on for policy changes (default
	// PolicyChannel), AccountsChannel the one for account changes
	// (default AccountsChannel); tests use their own.
	Channel, AccountsChannel string
	// Idle is how long the listener waits for a notification before it
	// checks that its connection still carries them (default 30 s).
	Idle time.Duration
	// Retry is the pause after a failed connection (default 1 s).
	Retry time.Duration
	// reloaded, when set, hears of every reload (tests).
	reloaded func()
}

// Watch reloads a's policy whenever a transaction on bdb commits a change
// to it, until ctx ends: the Watcher with its defaults, run in the
// caller's goroutine.
func Watch(ctx context.Context, bdb *bun.DB, a *Authorizer, log *slog.Logger) {
	(&Watcher{DB: bdb, Authz: a, Log: log}).Run(ctx)
}

// Run listens until ctx ends. Notifications for other schemas of the same
// database are ignored; one on the accounts channel only moves the
// Authorizer's epoch on. Whenever the listening connection was lost (the
// server restarted, the connection was killed) the policy is reloaded as
// soon as listening works again, since changes may have been missed
// meanwhile. Reloads run in a goroutine of their own, so a burst of
// changes costs at most one reload in flight and one after it.
func (w *Watcher) Run(ctx context.Context) {
	if w.DB.Dialect().Name() != dialect.PG {
		return
	}
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	var schema string
	for {
		err := w.DB.NewRaw("SELECT current_schema()").Scan(ctx, &schema)
		if err == nil {
			break
		}
		log.Warn("policy watcher: read the schema", "err", err)
		if !w.sleep(ctx, w.retry()) {
			return
		}
	}
	dirty := make(chan struct{}, 1)
	mark := func() {
		select {
		case dirty <- struct{}{}:
		default:
		}
	}
	reloaderDone := make(chan struct{})
	go func() {
		defer close(reloaderDone)
		for {
			select {
			case <-ctx.Done():
				return
			case <-dirty:
			}
			if err := w.Authz.Reload(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				log.Warn("policy watcher: reload", "err", err)
				// Try again later rather than keep a stale policy.
				if w.sleep(ctx, w.retry()) {
					mark()
				}
				continue
			}
			if w.reloaded != nil {
				w.reloaded()
			}
		}
	}()
	defer func() { <-reloaderDone }()

	for ctx.Err() == nil {
		err := w.listen(ctx, schema, mark, log)
		if ctx.Err() != nil {
			return
		}
		log.Warn("policy watcher: connection lost; listening anew", "err", err)
		w.sleep(ctx, w.retry())
	}
}

// listen holds one connection of the pool, LISTENs on both channels and
// marks a reload for every policy notification of schema, until the
// connection fails or ctx ends. It marks one at once, too: whatever
// changed while nobody listened (the reload moves the epoch on as well).
// The connection is never handed back to the pool (it would carry the
// LISTEN, or be broken).
func (w *Watcher) listen(ctx context.Context, schema string, mark func(), log *slog.Logger) error {
	conn, err := w.DB.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		err := w.wait(ctx, dc, schema, mark, log)
		// Whatever ended the wait, the connection is not reused.
		return fmt.Errorf("%w: %w", driver.ErrBadConn, err)
	})
}

func (w *Watcher) wait(ctx context.Context, dc any, schema string, mark func(), log *slog.Logger) error {
	sc, ok := dc.(*stdlib.Conn)
	if !ok {
		return fmt.Errorf("driver connection %T cannot listen", dc)
	}
	pc := sc.Conn()
	channel, accounts := w.channel(), w.accountsChannel()
	// One statement for both: the listener's activity shows the policy
	// channel first (the reconnect test finds it there).
	if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()+"; LISTEN "+pgx.Identifier{accounts}.Sanitize()); err != nil {
		return fmt.Errorf("listen %s, %s: %w", channel, accounts, err)
	}
	mark()
	pinged := false
	for {
		wctx, cancel := context.WithTimeout(ctx, w.idle())
		n, err := pc.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil:
			pinged = false
			switch {
			case n.Payload != schema:
			case n.Channel == channel:
				mark()
			case n.Channel == accounts:
				w.Authz.Touch()
			}
		case errors.Is(err, context.DeadlineExceeded) && !pinged:
			// Quiet for a while: a notification to ourselves must come
			// back before the next timeout, or the connection is dead in
			// a way the socket does not tell (a half-open TCP connection
			// after the server's host went away).
			if _, err := w.DB.NewRaw("SELECT pg_notify(?, 'ping')", channel).Exec(ctx); err != nil && ctx.Err() == nil {
				log.Warn("policy watcher: ping", "err", err)
			}
			pinged = true
		default:
			return err
		}
	}
}

func (w *Watcher) channel() string {
	if w.Channel != "" {
		return w.Channel
	}
	return PolicyChannel
}

func (w *Watcher) accountsChannel() string {
	if w.AccountsChannel != "" {
		return w.AccountsChannel
	}
	return AccountsChannel
}

func (w *Watcher) idle() time.Duration {
	if w.Idle > 0 {
		return w.Idle
	}
	return 30 * time.Second
}

func (w *Watcher) retry() time.Duration {
	if w.Retry > 0 {
		return w.Retry
	}
	return time.Second
}

// sleep waits d; false when ctx ended first.
func (w *Watcher) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
