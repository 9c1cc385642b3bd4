package authz

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/driver/pgdriver"
)

// PolicyChannel is the PostgreSQL notification channel on which a commit
// that changed the policy is announced: migration 0079's trigger on
// casbin_rule sends it from inside the changing transaction (delivered on
// commit, dropped on rollback), with the table's schema as payload.
const PolicyChannel = "coopshop_policy"

// Watcher keeps the enforcer of one process in step with policy changes
// that other processes commit to the same PostgreSQL database, so that a
// role removed through one process is refused by all of them at once
// rather than at their next periodic reload. On SQLite, which serves one
// process that reloads after its own changes, it does nothing.
type Watcher struct {
	DB    *bun.DB
	Authz *Authorizer
	Log   *slog.Logger
	// Channel is the channel listened on (default PolicyChannel); tests
	// use their own.
	Channel string
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
// database are ignored. Whenever the listening connection was lost (the
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
	channel := w.channel()
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

	// The listener's read waits up to Idle and does not see ctx: closing
	// the listener when ctx ends cuts the wait short.
	var mu sync.Mutex
	ln := pgdriver.NewListener(w.DB)
	renew := func() {
		mu.Lock()
		defer mu.Unlock()
		_ = ln.Close()
		if ctx.Err() == nil {
			ln = pgdriver.NewListener(w.DB)
		}
	}
	defer context.AfterFunc(ctx, renew)()
	defer func() { mu.Lock(); _ = ln.Close(); mu.Unlock() }()
	current := func() *pgdriver.Listener { mu.Lock(); defer mu.Unlock(); return ln }

	listening, pinged := false, false
	for ctx.Err() == nil {
		l := current()
		if !listening {
			if err := l.Listen(ctx, channel); err != nil {
				if ctx.Err() == nil {
					log.Warn("policy watcher: listen", "channel", channel, "err", err)
					w.sleep(ctx, w.retry())
				}
				continue
			}
			listening, pinged = true, false
			// Whatever changed while nobody listened.
			mark()
		}
		ch, payload, err := l.ReceiveTimeout(ctx, w.idle())
		switch {
		case ctx.Err() != nil:
		case err == nil:
			pinged = false
			if ch == channel && payload == schema {
				mark()
			}
		case isTimeout(err) && !pinged:
			// Quiet for a while: a notification to ourselves must come
			// back before the next timeout, or the connection is dead
			// in a way the socket does not tell (a half-open TCP
			// connection after the server's host went away).
			if _, err := w.DB.NewRaw("SELECT pg_notify(?, 'ping')", channel).Exec(ctx); err != nil && ctx.Err() == nil {
				log.Warn("policy watcher: ping", "err", err)
			}
			pinged = true
		default:
			log.Warn("policy watcher: connection lost; listening anew", "err", err)
			renew()
			listening = false
			w.sleep(ctx, w.retry())
		}
	}
}

func (w *Watcher) channel() string {
	if w.Channel != "" {
		return w.Channel
	}
	return PolicyChannel
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

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
