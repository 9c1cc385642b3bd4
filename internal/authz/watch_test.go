package authz_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
)

// watched starts a watcher of a fresh Authorizer ("another process") on
// bdb and returns it with a channel that hears of each of its reloads.
func watched(t *testing.T, bdb *bun.DB, channel string) (*authz.Authorizer, <-chan struct{}) {
	t.Helper()
	a, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	reloads := make(chan struct{}, 100)
	w := &authz.Watcher{DB: bdb, Authz: a, Channel: channel, Idle: 300 * time.Millisecond, Retry: 50 * time.Millisecond}
	w.OnReload(func() { reloads <- struct{}{} })
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	// The first reload follows the first LISTEN: from then on nothing is
	// missed.
	waitReload(t, reloads)
	return a, reloads
}

// waitReload waits for the next reload; the bound only keeps a broken
// watcher from hanging the test.
func waitReload(t *testing.T, reloads <-chan struct{}) {
	t.Helper()
	select {
	case <-reloads:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not reload")
	}
}

// firstUser is the id of a user to grant roles to (migrations seed none;
// the key is all casbin needs).
const firstUser, someOrg = 990001, 990002

func grant(t *testing.T, bdb *bun.DB, role string) {
	t.Helper()
	err := bdb.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		return authz.Grant(ctx, tx, firstUser, someOrg, role)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitRoles waits until a sees want, reload after reload.
func waitRoles(t *testing.T, a *authz.Authorizer, reloads <-chan struct{}, want []string) {
	t.Helper()
	for !slices.Equal(a.RolesOf(firstUser, someOrg), want) {
		waitReload(t, reloads)
	}
}

// A change committed through one handle (one process) reaches the enforcer
// of another through migration 0079's trigger and the watcher; a change
// rolled back does not.
func TestWatcherReloadsOnCommit(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	other, reloads := watched(t, bdb, "")

	grant(t, bdb, authz.RoleApprover)
	waitRoles(t, other, reloads, []string{authz.RoleApprover})

	rolledBack := fmt.Errorf("roll back")
	err := bdb.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		if err := authz.Grant(ctx, tx, firstUser, someOrg, authz.RolePurchaser); err != nil {
			return err
		}
		return rolledBack
	})
	if err != rolledBack {
		t.Fatal(err)
	}
	err = bdb.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		return authz.Revoke(ctx, tx, firstUser, someOrg, authz.RoleApprover)
	})
	if err != nil {
		t.Fatal(err)
	}
	waitRoles(t, other, reloads, nil)
}

// A watcher whose connection is killed listens again and reloads at once
// (changes may have been missed meanwhile); notifications reach it after
// that, those of other schemas are ignored.
func TestWatcherReconnects(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	channel := fmt.Sprintf("coopshop_policy_test_%d", time.Now().UnixNano())
	other, reloads := watched(t, bdb, channel)
	ctx := context.Background()

	// The trigger notifies coopshop_policy, not this channel: the change
	// becomes visible only through the reload after the reconnect.
	grant(t, bdb, authz.RoleApprover)
	var killed int
	if err := bdb.NewRaw("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE starts_with(query, ?)",
		fmt.Sprintf("LISTEN %q;", channel)).Scan(ctx, &killed); err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("%d listening connections killed, want 1", killed)
	}
	waitRoles(t, other, reloads, []string{authz.RoleApprover})

	grant(t, bdb, authz.RolePurchaser)
	var schema string
	if err := bdb.NewRaw("SELECT current_schema()").Scan(ctx, &schema); err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{"some_other_schema", schema} {
		if _, err := bdb.NewRaw("SELECT pg_notify(?, ?)", channel, payload).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	waitRoles(t, other, reloads, []string{authz.RoleApprover, authz.RolePurchaser})
}

// A commit that changes a user, an organisation, a deputy or an API token
// (migration 0084's triggers) moves the epoch of another process's
// Authorizer on, so that it stops using the principals it cached; one
// rolled back does not, and the policy is not reloaded for it.
func TestWatcherTouchesOnAccountChange(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	other, reloads := watched(t, bdb, "")
	ctx := context.Background()
	for _, table := range []string{"organisations", "users", "deputies", "api_tokens"} {
		t.Run(table, func(t *testing.T) {
			before := other.Epoch()
			rolledBack := fmt.Errorf("roll back")
			err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.NewDelete().TableExpr(table).Where("false").Exec(ctx); err != nil {
					return err
				}
				return rolledBack
			})
			if err != rolledBack {
				t.Fatal(err)
			}
			// A statement that changes nothing still fires a statement
			// trigger; committed, it announces the table.
			if _, err := bdb.NewDelete().TableExpr(table).Where("false").Exec(ctx); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for other.Epoch() == before {
				if time.Now().After(deadline) {
					t.Fatal("the epoch did not move on")
				}
				time.Sleep(5 * time.Millisecond)
			}
			// Notifications arrive in commit order: had the rolled back
			// change been announced, the epoch would have moved twice.
			if got := other.Epoch(); got != before+1 {
				t.Errorf("epoch %d, want %d: one move for one committed change", got, before+1)
			}
			select {
			case <-reloads:
				t.Error("an account change reloaded the policy")
			default:
			}
		})
	}
}

// On SQLite (one process, which reloads after its own changes) the
// watcher has nothing to listen to and returns at once.
func TestWatcherIdleOnSQLite(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	a, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { authz.Watch(context.Background(), bdb, a, nil); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher keeps running on SQLite")
	}
}
