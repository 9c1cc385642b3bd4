package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/demo"
)

// killLoad is the size of the load: workers, each its own purchaser and
// approver, doing flows (cart, submit, approve) one after the other.
const killWorkers, killFlows = 6, 10

// TestKillNineDuringLoad runs the order flow of several clients against
// three `coopshop serve` processes, kills one of them with SIGKILL in the
// middle (while it runs a job, when it can be caught at one) and goes on
// against the other two. Afterwards:
//
//   - no acknowledged step is lost: every order whose submit answered 201
//     exists, and in the state and version of the last answer about it
//     (a step whose answer was lost with the process may or may not have
//     committed: the client retries it elsewhere, with the same
//     Idempotency-Key for a submit, the same version for an approval);
//   - no job is lost: the jobs the killed process held are taken over by
//     the others once their lease (COOPSHOP_JOB_LEASE, 3 s here) ends, and
//     every job due by the end is done, none failed.
func TestKillNineDuringLoad(t *testing.T) {
	dbURL, bdb := freshDatabase(t)
	bin := buildBinary(t)
	procs := startProcs(t, bin, dbURL, 3, "COOPSHOP_JOB_LEASE=3s")
	runCommand(t, bin, dbURL, "seed")
	workers := loadUsers(t, bdb, procs)

	l := &load{procs: procs, acked: map[int64]orderJSON{}, uncertain: map[int64]bool{}}
	victim := procs[2]
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() { defer wg.Done(); l.worker(t, i, w) }()
	}
	// Kill when a third of the flows are through, at a moment the victim
	// holds a job if one comes within two seconds.
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	for l.count() < killWorkers*killFlows/3 {
		select {
		case <-finished:
			t.Fatal("the workers stopped before a third of the flows")
		case <-time.After(5 * time.Millisecond):
		}
	}
	heldJobs := catchRunningJob(t, bdb, victim, 500*time.Millisecond)
	victim.kill()
	atKill := l.count()
	t.Logf("killed %s (pid %d) after %d of %d submits; it held jobs %v", victim.name, victim.cmd.Process.Pid, atKill, killWorkers*killFlows, heldJobs)
	wg.Wait()
	if t.Failed() {
		return
	}
	if atKill == killWorkers*killFlows {
		t.Log("the load was over when the process died: this run shows little")
	}

	waitJobsSettled(t, bdb, 60*time.Second)
	ctx := context.Background()
	for id, ack := range l.snapshot() {
		var st string
		var version int64
		if err := bdb.NewRaw("SELECT state, version FROM orders WHERE id = ?", id).Scan(ctx, &st, &version); err != nil {
			t.Errorf("acknowledged order %d (%s): %v", id, ack.Number, err)
			continue
		}
		// An approval whose answer was lost may have committed: one step
		// on, approved, is what it leaves.
		if l.uncertain[id] && st == "approved" && version == ack.Version+1 {
			continue
		}
		if st != ack.State || version != ack.Version {
			t.Errorf("order %s: %s v%d in the database, acknowledged %s v%d", ack.Number, st, version, ack.State, ack.Version)
		}
	}
	if len(heldJobs) > 0 {
		var attempts []int
		if err := bdb.NewRaw("SELECT attempts FROM jobs WHERE id IN (?) ORDER BY id", bun.List(heldJobs)).Scan(ctx, &attempts); err != nil {
			t.Fatal(err)
		}
		t.Logf("attempts of the jobs the killed process held: %v", attempts)
		var open int
		if err := bdb.NewRaw("SELECT count(*) FROM jobs WHERE id IN (?) AND state <> 'done'", bun.List(heldJobs)).Scan(ctx, &open); err != nil || open != 0 {
			t.Errorf("%d of the jobs the killed process held are not done (%v)", open, err)
		}
	}
	var failed, done int
	if err := bdb.NewRaw("SELECT count(*) FILTER (WHERE state = 'failed'), count(*) FILTER (WHERE state = 'done') FROM jobs").Scan(ctx, &failed, &done); err != nil {
		t.Fatal(err)
	}
	if failed != 0 {
		t.Errorf("%d jobs failed", failed)
	}
	t.Logf("%d orders acknowledged, %d answers lost with the process and retried; %d jobs done", len(l.snapshot()), l.retries, done)
	for _, p := range procs[:2] {
		if lines := p.errorLines(); len(lines) > 0 {
			t.Errorf("%s logged errors:\n%s", p.name, strings.Join(lines, "\n"))
		}
	}
}

// loadWorker is one client: a purchaser and an approver of Börde, logged
// in at different processes.
type loadWorker struct{ buyer, approver string }

// loadUsers creates a purchaser and an approver per worker (as
// coopshop-load does) and logs each user in at one of the processes once the processes know
// their roles.
func loadUsers(t *testing.T, bdb *bun.DB, procs []*proc) []loadWorker {
	t.Helper()
	ctx := context.Background()
	org, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
	if err != nil {
		t.Fatal(err)
	}
	limit := int64(100000_00)
	err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range killWorkers {
			for _, u := range []struct {
				email, role string
				limit       *int64
			}{{fmt.Sprintf("kill-einkauf-%d@boerde.example", i), authz.RolePurchaser, nil},
				{fmt.Sprintf("kill-genehmigung-%d@boerde.example", i), authz.RoleApprover, &limit}} {
				nu := &account.User{OrgID: org.ID, Email: u.email, Name: "Last " + u.email, ApprovalLimitCents: u.limit}
				if err := account.CreateUserWithHash(ctx, tx, nu, demo.PasswordHash()); err != nil {
					return err
				}
				if err := authz.Grant(ctx, tx, nu.ID, org.ID, u.role); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]loadWorker, killWorkers)
	for i := range out {
		out[i] = loadWorker{
			buyer:    login(t, procs[i%3], fmt.Sprintf("kill-einkauf-%d@boerde.example", i)),
			approver: login(t, procs[(i+1)%3], fmt.Sprintf("kill-genehmigung-%d@boerde.example", i)),
		}
	}
	// The roles came by NOTIFY; the last granted is known everywhere when
	// every process lists it (bounded, not timed).
	for _, p := range procs {
		for deadline := time.Now().Add(10 * time.Second); ; {
			var me struct{ Roles []string }
			mustCall(t, "GET", p, "/me", out[killWorkers-1].approver, nil, &me, 200)
			if len(me.Roles) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s does not know the new users' roles", p.name)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return out
}

// load drives the flows and keeps the acknowledged state of each order.
type load struct {
	procs []*proc
	mu    sync.Mutex
	acked map[int64]orderJSON
	// uncertain are the orders whose approval answered 409 on a retry:
	// the first try may have committed before its process died.
	uncertain map[int64]bool
	submits   int
	retries   int
}

func (l *load) ack(o orderJSON, submit bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.acked[o.ID]; !ok || o.Version >= prev.Version {
		l.acked[o.ID] = o
	}
	if submit {
		l.submits++
	}
}

func (l *load) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.submits
}

func (l *load) snapshot() map[int64]orderJSON {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[int64]orderJSON, len(l.acked))
	for k, v := range l.acked {
		out[k] = v
	}
	return out
}

// send sends one step, starting at process start and going on to the
// next live one while no answer comes (the process died under it); it
// returns the answer's status and whether an answer was lost on the way.
func (l *load) send(t *testing.T, start int, method, path, token string, header map[string]string, body, out any) (int, bool) {
	for i := 0; i < 2*len(l.procs); i++ {
		p := l.procs[(start+i)%len(l.procs)]
		if !p.alive() {
			continue
		}
		p.inFlight.Add(1)
		st, err := callWith(context.Background(), method, p.base, path, token, header, body, out)
		p.inFlight.Add(-1)
		if err == nil {
			return st, i > 0
		}
		l.mu.Lock()
		l.retries++
		l.mu.Unlock()
	}
	t.Errorf("%s %s: no process answered", method, path)
	return 0, true
}

// worker runs its flows, each step at the next process.
func (l *load) worker(t *testing.T, w int, u loadWorker) {
	step := w
	for f := range killFlows {
		for _, item := range []struct{ id, qty int }{{17, 2}, {15, 1}} { // list prices: no quota runs out
			step++
			if st, _ := l.send(t, step, "PUT", fmt.Sprintf("/cart/items/%d", item.id), u.buyer, nil, map[string]int{"quantity": item.qty}, nil); st != 200 {
				t.Errorf("worker %d flow %d: cart answered %d", w, f, st)
				return
			}
		}
		var o orderJSON
		step++
		key := map[string]string{"Idempotency-Key": fmt.Sprintf("kill-%d-%d", w, f)}
		body := map[string]any{"cost_centre": "1100", "delivery_address_id": 1, "reason": fmt.Sprintf("Last %d/%d", w, f)}
		if st, _ := l.send(t, step, "POST", "/orders", u.buyer, key, body, &o); st != 201 {
			t.Errorf("worker %d flow %d: submit answered %d: %v", w, f, st, lastProblem.Load())
			return
		}
		l.ack(o, true)
		step++
		var a orderJSON
		st, lost := l.send(t, step, "POST", fmt.Sprintf("/orders/%d/approve", o.ID), u.approver, nil, map[string]any{"version": o.Version, "comment": "ok"}, &a)
		switch st {
		case 200:
			l.ack(a, false)
		case 409:
			if !lost {
				t.Errorf("worker %d flow %d: approve answered 409: %v", w, f, lastProblem.Load())
				return
			}
			// The answer to an approval that committed was lost with the
			// process, and the retry found the order moved on: nothing
			// acknowledged, the database tells.
			l.mu.Lock()
			l.uncertain[o.ID] = true
			l.mu.Unlock()
		default:
			t.Errorf("worker %d flow %d: approve answered %d", w, f, st)
			return
		}
	}
}

// catchRunningJob waits up to within for a moment when the victim runs a
// job and answers a request, then as long again for one when it answers a
// request, and returns the ids of the jobs it holds then (maybe none).
func catchRunningJob(t *testing.T, bdb *bun.DB, victim *proc, within time.Duration) []int64 {
	t.Helper()
	pattern := fmt.Sprintf("%%-%d-%%", victim.cmd.Process.Pid)
	deadline := time.Now().Add(within)
	for {
		var ids []int64
		if err := bdb.NewRaw("SELECT id FROM jobs WHERE state = 'running' AND locked_by LIKE ?", pattern).Scan(context.Background(), &ids); err != nil {
			t.Fatal(err)
		}
		busy := victim.inFlight.Load() > 0
		if (len(ids) > 0 && busy) || (busy && time.Now().After(deadline)) || time.Now().After(deadline.Add(within)) {
			return ids
		}
		time.Sleep(time.Millisecond)
	}
}
