package job

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

// TestRunClaimed: the jobs a step job fans out run at once under its
// claim and are written once, as they ended, in one statement; they are
// ordinary jobs otherwise: one that failed is retried by a runner after
// the backoff, one that failed for good stays failed, a second attempt of
// the step writes and runs none of them again, and those a crash left
// unwritten run again with the step's next attempt.
func TestRunClaimed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		clk := clock.NewManual(start)
		r := NewRunner(bdb, clk, quiet())
		r.Lease = time.Minute

		var mu sync.Mutex
		var sent []int // payloads handed to the fan-out's handler, in order
		failOnce := map[int]bool{2: true}
		refuse := map[int]bool{3: true}
		crashOn := map[int]bool{}
		send := func(_ context.Context, j *Job) error {
			var p payload
			if err := j.Decode(&p); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			if crashOn[p.N] {
				delete(crashOn, p.N)
				panic("the process dies while sending")
			}
			sent = append(sent, p.N)
			if failOnce[p.N] {
				delete(failOnce, p.N)
				return errors.New("mail server busy")
			}
			if refuse[p.N] {
				return Permanent(errors.New("no such mailbox"))
			}
			return nil
		}
		fanOut := func(ns ...int) Handler {
			return func(ctx context.Context, step *Job) error {
				specs := make([]Spec, len(ns))
				for i, n := range ns {
					specs[i] = Spec{Payload: payload{n}, Options: []Option{Dedupe(fmt.Sprintf("%s:%d", step.Payload, n))}}
				}
				return RunClaimed(ctx, bdb, clk.Now(), step, "mail", send, specs...)
			}
		}
		r.Handle("mail", send)
		state := func(n int) *Job {
			t.Helper()
			var j Job
			if err := bdb.NewSelect().Model(&j).Where("kind = 'mail' AND payload = ?", fmt.Sprintf(`{"n":%d}`, n)).Scan(ctx); err != nil {
				t.Fatalf("mail %d: %v", n, err)
			}
			return &j
		}
		runAll := func() {
			t.Helper()
			for {
				ran, err := r.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !ran {
					return
				}
			}
		}

		r.Handle("step", fanOut(1, 2, 3))
		if err := Enqueue(ctx, bdb, "step", payload{0}); err != nil {
			t.Fatal(err)
		}
		runAll()
		if !slices.Equal(sent, []int{1, 2, 3}) {
			t.Fatalf("sent %v, want 1, 2, 3 at once", sent)
		}
		if j := state(1); j.State != StateDone || j.Attempts != 1 || j.LockedBy != "" || j.DoneAt == nil || !j.DoneAt.Equal(start) {
			t.Errorf("mail 1: %+v, want done in its first attempt", j)
		}
		if j := state(2); j.State != StatePending || j.Attempts != 1 || j.LastError != "mail server busy" || j.RunAt == nil || !j.RunAt.Equal(start.Add(Backoff(1))) {
			t.Errorf("failed mail: %+v, want pending until the backoff", j)
		}
		if j := state(3); j.State != StateFailed || j.Attempts != 1 || j.LastError != "no such mailbox" || j.DoneAt == nil {
			t.Errorf("refused mail: %+v, want failed for good", j)
		}

		// The step's next attempt (its runner died before finishing it,
		// and a runner claimed it again): nothing is written or sent
		// twice.
		var first Job
		if err := bdb.NewSelect().Model(&first).Where("kind = 'step'").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		first.LockedBy, first.LockedUntil, first.Attempts = r.ID, &start, first.Attempts+1
		if err := fanOut(1, 2, 3)(ctx, &first); err != nil {
			t.Fatal(err)
		}
		if len(sent) != 3 || count(t, bdb, "kind = 'mail'") != 3 {
			t.Fatalf("a second run of the step sent %v, %d mail jobs", sent, count(t, bdb, "kind = 'mail'"))
		}

		clk.Advance(Backoff(1))
		runAll()
		if !slices.Equal(sent, []int{1, 2, 3, 2}) || state(2).State != StateDone || state(2).Attempts != 2 {
			t.Fatalf("the failed mail after its backoff: sent %v, %+v", sent, state(2))
		}
		if state(3).State != StateFailed {
			t.Fatalf("the refused mail was tried again: %+v", state(3))
		}

		// A crash while sending: the runner's recovery fails the step for
		// a retry and nothing of its fan-out is written; the step's next
		// attempt sends them all.
		crashOn[5] = true
		r.Handle("step", fanOut(4, 5, 6))
		if err := Enqueue(ctx, bdb, "step", payload{7}); err != nil {
			t.Fatal(err)
		}
		runAll()
		if n := count(t, bdb, "kind = 'mail' AND payload IN (?, ?, ?)", `{"n":4}`, `{"n":5}`, `{"n":6}`); n != 0 {
			t.Fatalf("%d mails of the crashed attempt written", n)
		}
		clk.Advance(time.Minute)
		runAll()
		for _, n := range []int{4, 5, 6} {
			if j := state(n); j.State != StateDone {
				t.Errorf("mail %d after the step's next attempt: %+v", n, j)
			}
		}
		// 4 went out before the crash and was not yet written: it goes
		// out again (at least once).
		if got := sent[4:]; !slices.Equal(sorted(got), []int{4, 4, 5, 6}) {
			t.Errorf("sent around the crash %v, want 4 twice, 5 and 6 once", got)
		}
		if n := count(t, bdb, "state <> ? AND NOT (kind = 'mail' AND payload = ?)", StateDone, `{"n":3}`); n != 0 {
			t.Errorf("%d jobs not done", n)
		}

		// The first attempt of a step writes its fan-out with one
		// statement, whatever its size; a later one looks for what an
		// earlier attempt wrote first.
		cnt := db.CountStatements(bdb, false)
		for _, c := range []struct{ attempts, statements int }{{1, 1}, {2, 2}} {
			cnt.Reset()
			step := &Job{ID: 1000 + int64(c.attempts), LockedBy: r.ID, LockedUntil: &start, Attempts: c.attempts, Payload: fmt.Sprintf("x%d", c.attempts)}
			if err := fanOut(10, 11, 12, 13)(ctx, step); err != nil {
				t.Fatal(err)
			}
			if n := cnt.Count(); n != c.statements {
				t.Errorf("attempt %d of a step of 4 mails: %d statements, want %d", c.attempts, n, c.statements)
			}
		}

		// Not run by a runner: the jobs are only enqueued.
		before := len(sent)
		if err := RunClaimed(ctx, bdb, clk.Now(), &Job{}, "mail", send, Spec{Payload: payload{8}, Options: []Option{Dedupe("free")}}); err != nil {
			t.Fatal(err)
		}
		if len(sent) != before || state(8).State != StatePending {
			t.Errorf("without a claim: sent %v, %+v", sent[before:], state(8))
		}
	})
}

func sorted(s []int) []int {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestFanOutWrittenWithFinish: run by a runner, a step's fan-out costs no
// statement of its own on PostgreSQL, whatever its size: the statement
// that finishes the step writes it (SQLite, without writes in a WITH,
// takes one more), and that statement is the same prepared one for any
// number of jobs. The fan-out is written even when the step itself
// fails afterwards: its jobs ran.
func TestFanOutWrittenWithFinish(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		clk := clock.NewManual(start)
		r := NewRunner(bdb, clk, quiet())
		send := func(context.Context, *Job) error { return nil }
		r.Handle("mail", send)
		r.Handle("step", func(ctx context.Context, step *Job) error {
			var p payload
			if err := step.Decode(&p); err != nil {
				return err
			}
			specs := make([]Spec, p.N%100)
			for i := range specs {
				specs[i] = Spec{Payload: payload{i}, Options: []Option{Dedupe(fmt.Sprintf("%d:%d", step.ID, i))}}
			}
			if err := RunClaimed(ctx, bdb, clk.Now(), step, "mail", send, specs...); err != nil {
				return err
			}
			if p.N >= 100 {
				return errors.New("the step fails after its mails went out")
			}
			return nil
		})
		if _, err := r.RunOnce(ctx); err != nil { // the first run sweeps
			t.Fatal(err)
		}
		cnt := db.CountStatements(bdb, true)
		statements := map[int]int{}
		finish := map[int]string{} // the last statement of each step: its finish
		for _, n := range []int{0, 4, 3, 103} {
			if err := Enqueue(ctx, bdb, "step", payload{n}); err != nil {
				t.Fatal(err)
			}
			cnt.Reset()
			if ran, err := r.RunOnce(ctx); err != nil || !ran {
				t.Fatalf("step %d: ran %v, %v", n, ran, err)
			}
			statements[n] = cnt.Count()
			finish[n] = cnt.Statements()[cnt.Count()-1]
		}
		// On PostgreSQL a fan-out's finish is one prepared statement,
		// whatever the number of jobs: its values are not in its text.
		if db.IsPostgres(bdb) && (finish[4] != finish[3] || strings.Contains(finish[4], "mail")) {
			t.Errorf("the finish of a step of 4 mails and one of 3 read differently, or with values:\n%s\n%s", finish[4], finish[3])
		}
		extra := 1
		if db.IsPostgres(bdb) {
			extra = 0
		}
		if statements[4] != statements[0]+extra || statements[3] != statements[0]+extra || statements[103] != statements[0]+extra {
			t.Errorf("statements of a step without mails, with 4, with 3, with 3 and failing: %v, want %d more with mails", statements, extra)
		}
		if n := count(t, bdb, "kind = 'mail' AND state = ?", StateDone); n != 10 {
			t.Errorf("%d mails written as done, want 10", n)
		}
		if n := count(t, bdb, "kind = 'step' AND state = ? AND last_error <> ''", StatePending); n != 1 {
			t.Errorf("%d failed steps pending for a retry, want 1", n)
		}
	})
}

// TestFanOutRowsAlike: a fan-out written by the runner's finish (on
// PostgreSQL an array per column) and one written by RunClaimed itself
// (bun's insert) are the same rows, column by column, for every way a
// job can end: done, waiting for a retry, failed for good.
func TestFanOutRowsAlike(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		clk := clock.NewManual(start)
		r := NewRunner(bdb, clk, quiet())
		type mail struct {
			To   string `json:"to"`
			Body string `json:"body"`
		}
		mails := []struct {
			to  string
			err error
		}{
			{"a@kreis.example", nil},
			{"b@kreis.example", errors.New("Postfach voll, „später“ bitte")},
			{"c@kreis.example", Permanent(errors.New("no such mailbox"))},
			{"d@kreis.example", nil},
		}
		send := func(_ context.Context, j *Job) error {
			var m mail
			if err := j.Decode(&m); err != nil {
				return err
			}
			for _, x := range mails {
				if x.to == m.To {
					return x.err
				}
			}
			return fmt.Errorf("unknown recipient %s", m.To)
		}
		fanOut := func(ctx context.Context, step *Job) error {
			specs := make([]Spec, len(mails))
			for i, m := range mails {
				specs[i] = Spec{Payload: mail{m.to, "Bestellung über 1.234,56 €\n\"dringend\"\t\\"}, Options: []Option{
					Dedupe(fmt.Sprintf("%s:%d:%s", step.Payload, i, m.to)), About("order", int64(40+i)), MaxAttempts(3 + i),
				}}
			}
			return RunClaimed(ctx, bdb, clk.Now(), step, "mail", send, specs...)
		}
		r.Handle("step", fanOut)
		r.Handle("mail", send)
		if err := Enqueue(ctx, bdb, "step", "by-runner"); err != nil {
			t.Fatal(err)
		}
		if ran, err := r.RunOnce(ctx); err != nil || !ran {
			t.Fatalf("ran %v, %v", ran, err)
		}
		// The same fan-out under a claim taken by hand: RunClaimed writes it.
		step := &Job{ID: 999, LockedBy: "by-hand", LockedUntil: &start, Attempts: 1, Payload: `"by-hand"`}
		if err := fanOut(ctx, step); err != nil {
			t.Fatal(err)
		}
		rows := func(prefix string) []Job {
			t.Helper()
			var jobs []Job
			if err := bdb.NewSelect().Model(&jobs).Where("kind = 'mail' AND dedupe_key LIKE ?", prefix+"%").OrderExpr("id").Scan(ctx); err != nil {
				t.Fatal(err)
			}
			return jobs
		}
		byRunner, byHand := rows(`"by-runner"`), rows(`"by-hand"`)
		if len(byRunner) != len(mails) || len(byHand) != len(mails) {
			t.Fatalf("%d mails written by the runner, %d by RunClaimed, want %d each", len(byRunner), len(byHand), len(mails))
		}
		for i := range mails {
			a, b := byRunner[i], byHand[i]
			if *a.DedupeKey != `"by-runner"`+(*b.DedupeKey)[len(`"by-hand"`):] {
				t.Errorf("mail %d: keys %s and %s", i, *a.DedupeKey, *b.DedupeKey)
			}
			var ma, mb mail
			if err := a.Decode(&ma); err != nil || b.Decode(&mb) != nil || ma != mb || ma.To != mails[i].to {
				t.Errorf("mail %d: payloads %s and %s (%v)", i, a.Payload, b.Payload, err)
			}
			a.ID, a.DedupeKey, a.Payload = b.ID, b.DedupeKey, b.Payload
			if !sameJob(a, b) {
				t.Errorf("mail %d written by the runner:\n%+v\nby RunClaimed:\n%+v", i, a, b)
			}
		}
		if byRunner[1].State != StatePending || byRunner[1].RunAt == nil || byRunner[2].State != StateFailed || byRunner[0].State != StateDone {
			t.Errorf("outcomes %s, %s, %s, want done, pending, failed", byRunner[0].State, byRunner[1].State, byRunner[2].State)
		}
	})
}

// sameJob compares two jobs' columns, times by their instant; created_at
// is the system clock's when the jobs were made, so the same second.
func sameJob(a, b Job) bool {
	sameTime := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	return a.ID == b.ID && a.Kind == b.Kind && a.Payload == b.Payload && a.Entity == b.Entity && a.EntityID == b.EntityID &&
		*a.DedupeKey == *b.DedupeKey && a.State == b.State && sameTime(a.RunAt, b.RunAt) && a.Attempts == b.Attempts &&
		a.MaxAttempts == b.MaxAttempts && a.LastError == b.LastError && a.LockedBy == b.LockedBy &&
		sameTime(a.LockedUntil, b.LockedUntil) && a.CreatedAt.Sub(b.CreatedAt).Abs() < time.Second && sameTime(a.DoneAt, b.DoneAt)
}
