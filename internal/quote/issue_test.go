package quote_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/job"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// TestDocumentsIssuedAfterTheStep: sending a quotation and confirming an
// order render no PDF in the step's transaction; they leave an issue job.
// Whichever comes first – a download or the job – renders and stores the
// same bytes once, and the other finds them stored.
func TestDocumentsIssuedAfterTheStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		sales, lead, buyer := f.P(t, "vertrieb@kid.example"), f.P(t, "vertriebsleitung@kid.example"), f.P(t, "einkauf@boerde.example")

		// A sent quotation.
		_, q := quotetest.Quoting(t, f, qs)
		lines := quotetest.Lines(q)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500
		q, err := qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")
		if q.State == quote.StateSubmitted {
			q, err = qs.Approve(ctx, lead, q.ID, q.Version, "")
			ordertest.WantCode(t, err, "")
		}
		q, err = qs.Send(ctx, sales, q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")

		// A confirmed order of Stadt Weißenfels.
		wfBuyer := f.P(t, "einkauf@weissenfels.example")
		o := f.Submit(t, "einkauf@weissenfels.example", map[string]int64{"T-NB": 1, "T-MON": 2})
		o, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@weissenfels.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, "")
		o, err = f.Orders.Confirm(ctx, sales, o.ID, o.Version)
		ordertest.WantCode(t, err, "")

		type doc struct {
			name     string
			entity   string
			id       int64
			kind     document.Kind
			download func() (*document.File, error)
		}
		docs := []doc{
			{"quotation", quote.DocumentEntity, q.ID, document.KindQuote, func() (*document.File, error) { return qs.PDF(ctx, buyer, q.ID) }},
			{"confirmation", order.DocumentEntity, o.ID, document.KindOrderConfirmation, func() (*document.File, error) { return f.Orders.PDF(ctx, wfBuyer, o.ID) }},
		}
		stored := func(d doc) []*document.Stored {
			var out []*document.Stored
			if err := bdb.NewSelect().Model(&out).Where("entity = ? AND entity_id = ? AND kind = ?", d.entity, d.id, d.kind).Scan(ctx); err != nil {
				t.Fatal(err)
			}
			return out
		}
		for _, d := range docs {
			if n := len(stored(d)); n != 0 {
				t.Fatalf("%s: %d documents stored by the step, want none", d.name, n)
			}
			if ok, err := document.Exists(ctx, bdb, d.entity, d.id, d.kind); err != nil || !ok {
				t.Fatalf("%s: not issued before its job ran (%v)", d.name, err)
			}
		}

		// The quotation: the download comes first and stores it; the job
		// then finds it stored and adds nothing.
		qd := docs[0]
		first, err := qd.download()
		ordertest.WantCode(t, err, "")
		if !first.Issued || len(stored(qd)) != 1 || stored(qd)[0].SHA256 != document.Checksum(first.Bytes) {
			t.Fatalf("download before the job: issued %v, %d stored", first.Issued, len(stored(qd)))
		}

		// The confirmation: what a download would store first (tried in a
		// transaction that is rolled back) is what the job stores.
		od := docs[1]
		var counterfactual []byte
		errRollback := errors.New("rollback")
		err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			st, err := document.LatestIssued(ctx, tx, od.entity, od.id, od.kind)
			if err != nil {
				return err
			}
			counterfactual = st.Bytes
			return errRollback
		})
		if !errors.Is(err, errRollback) || len(counterfactual) == 0 || len(stored(od)) != 0 {
			t.Fatalf("download in a rolled-back transaction: %v, %d stored", err, len(stored(od)))
		}

		n, err := f.Jobs.Drain(ctx)
		ordertest.WantCode(t, err, "")
		var issueJobs []*job.Job
		if err := bdb.NewSelect().Model(&issueJobs).Where("kind = ?", document.KindIssue).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if n == 0 || len(issueJobs) != 2 {
			t.Fatalf("ran %d jobs, %d issue jobs", n, len(issueJobs))
		}
		for _, j := range issueJobs {
			if j.State != job.StateDone {
				t.Errorf("issue job %d: %s %s", j.ID, j.State, j.LastError)
			}
		}
		if s := stored(qd); len(s) != 1 || !bytes.Equal(s[0].Bytes, first.Bytes) {
			t.Errorf("quotation: the job after the download changed the store (%d rows)", len(s))
		}
		s := stored(od)
		if len(s) != 1 || !bytes.Equal(s[0].Bytes, counterfactual) {
			t.Fatalf("confirmation: the job stored other bytes than a download would have (%d rows)", len(s))
		}
		for _, d := range docs {
			again, err := d.download()
			ordertest.WantCode(t, err, "")
			if s := stored(d); !again.Issued || len(s) != 1 || !bytes.Equal(again.Bytes, s[0].Bytes) {
				t.Errorf("%s: download after the job is not the stored document", d.name)
			}
		}
	})
}
