package order_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/job"
	"coopshop/internal/notify"
	"coopshop/internal/order/ordertest"
)

// TestRecipientsWorkedOutInTheJob: a step writes one small step job and
// no mail; the job works out the recipients (the enforcer per candidate)
// and enqueues the mails. A step overtaken by the next one before its job
// ran sends nothing: its mails would describe a state that is gone.
func TestRecipientsWorkedOutInTheJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})

		mails, err := notify.ForEntity(ctx, bdb, "order", o.ID)
		ordertest.WantCode(t, err, "")
		steps, err := job.ForEntity(ctx, bdb, notify.StepKind("order"), "order", o.ID, true)
		ordertest.WantCode(t, err, "")
		if len(mails) != 0 || len(steps) != 1 {
			t.Fatalf("after the request: %d mails, %d step jobs; want 0 and 1", len(mails), len(steps))
		}
		var ev notify.StepEvent
		if err := steps[0].Decode(&ev); err != nil || ev != (notify.StepEvent{Entity: "order", ID: o.ID, Step: "submit",
			ActorID: f.P(t, "einkauf@boerde.example").User.ID, Version: o.Version}) {
			t.Fatalf("step job %+v (%v)", ev, err)
		}
		// The job reads the member's users once, for the stage's
		// approvers and their deputies alike, and not the requester, whose
		// name came with the order.
		cnt := db.CountStatements(bdb, true)
		userReads(t, cnt, f, steps[0])
		if got := recipients(t, f, o.ID, "order.submit"); !sameSet(got, "kaemmerei@boerde.example", "amtsleitung@boerde.example") {
			t.Errorf("stage 1 mails to %v", got)
		}

		// Submitted and approved (one stage) before any job ran.
		small := f.Submit(t, "einkauf@weissenfels.example", map[string]int64{"T-MON": 1})
		_, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@weissenfels.example"), small.ID, small.Version, "Passt.")
		ordertest.WantCode(t, err, "")
		// The approval's job takes the approver's name from the stage
		// they decided: it reads only the provider's users (sales).
		approved, err := job.ForEntity(ctx, bdb, notify.StepKind("order"), "order", small.ID, true)
		ordertest.WantCode(t, err, "")
		for _, j := range approved {
			if err := j.Decode(&ev); err == nil && ev.Step == "approve" {
				userReads(t, cnt, f, j)
			}
		}
		if got := recipients(t, f, small.ID, "order.submit"); len(got) != 0 {
			t.Errorf("overtaken submit still mailed %v", got)
		}
		// Its job says it skipped the step (the runner counts it apart
		// from work done, /metrics shows it).
		skipped := 0
		for _, j := range approved {
			if err := j.Decode(&ev); err == nil && ev.Step == "submit" {
				if err := f.Orders.NotifyJob(ctx, j); !job.IsSkip(err) {
					t.Errorf("the overtaken submit's job answered %v, want a skip", err)
				}
				skipped++
			}
		}
		if skipped != 1 {
			t.Errorf("%d submit jobs of the overtaken order, want 1", skipped)
		}
		if got := recipients(t, f, small.ID, "order.approve"); !sameSet(got, "einkauf@weissenfels.example", "vertrieb@kid.example", "vertriebsleitung@kid.example") {
			t.Errorf("approval mailed %v", got)
		}
		// The requester hears who approved, by the name of the stage's
		// decider.
		rows, err := notify.ForEntity(ctx, bdb, "order", small.ID)
		ordertest.WantCode(t, err, "")
		remark := "Kommentar von " + f.P(t, "genehmigung@weissenfels.example").User.Name + ": Passt."
		for _, r := range rows {
			if r.Event == "order.approve" && r.To == "einkauf@weissenfels.example" && !strings.Contains(r.Body, remark) {
				t.Errorf("the requester's mail lacks %q:\n%s", remark, r.Body)
			}
		}
		// A job that runs again (a crash before it was marked done) adds
		// no mails.
		for _, j := range steps {
			if err := f.Orders.NotifyJob(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		if got := recipients(t, f, o.ID, "order.submit"); len(got) != 2 {
			t.Errorf("the repeated job mailed again: %v", got)
		}
	})
}

// userReads runs a step job (before the runner runs it again: its mails
// are written once) and fails unless it read users exactly once, for the
// candidates to notify.
func userReads(t *testing.T, cnt *db.StatementCounter, f *ordertest.Fixture, j *job.Job) {
	t.Helper()
	cnt.Reset()
	if err := f.Orders.NotifyJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, s := range cnt.Statements() {
		if strings.Contains(s, `FROM "users" AS "u"`) {
			users = append(users, s)
		}
	}
	if len(users) != 1 {
		t.Errorf("the step job read users %d times, want once:\n%s", len(users), strings.Join(users, "\n"))
	}
}
