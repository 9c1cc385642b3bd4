package document_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/job"
)

// TestIssueLaterRaces: downloads and the issue job racing for a document
// issued with IssueLater store one row, with the bytes an issue in the
// step's transaction would have stored (the payload's round trip through
// JSON changes nothing), and until then the document counts as issued.
func TestIssueLaterRaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		d := storeDoc("Mit freundlichen Grüßen")
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		d.Date = time.Date(2026, 11, 22, 0, 0, 0, 0, berlin)
		ref := document.Ref{Entity: "quote", EntityID: 9, Version: 2}
		want, err := document.Preview(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := document.GetIssued(ctx, bdb, "quote", 9, document.KindQuote, 2); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("never issued: %v, want not found", err)
		}
		for range 2 { // once per document identity
			if err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return document.IssueLater(ctx, tx, ref, d) }); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := document.Exists(ctx, bdb, "quote", 9, document.KindQuote); err != nil || !ok {
			t.Fatalf("pending document not issued: %v", err)
		}
		r := job.NewRunner(bdb, nil, nil)
		document.Register(r, bdb)
		var wg sync.WaitGroup
		got := make([][]byte, 4)
		errs := make([]error, 5)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := document.GetIssued(ctx, bdb, "quote", 9, document.KindQuote, 2)
				if errs[i] = err; err == nil {
					got[i] = s.Bytes
				}
			}()
		}
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[4] = r.Drain(ctx) }()
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("racer %d: %v", i, err)
			}
		}
		for i, b := range got {
			if !bytes.Equal(b, want.Bytes) {
				t.Errorf("download %d: other bytes than rendering the document directly", i)
			}
		}
		n, err := bdb.NewSelect().Model((*document.Stored)(nil)).Where("entity = 'quote' AND entity_id = 9").Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("%d rows stored (%v), want 1", n, err)
		}
		jobs, err := job.ForEntity(ctx, bdb, document.KindIssue, "quote", 9, false)
		if err != nil || len(jobs) != 1 || jobs[0].State != job.StateDone {
			t.Errorf("issue jobs %v (%v)", jobs, err)
		}

		// A draft is never issued, and a document that cannot be printed
		// fails the step, not a job later.
		d.Draft = true
		if err := document.IssueLater(ctx, bdb, document.Ref{Entity: "quote", EntityID: 10, Version: 1}, d); err == nil {
			t.Error("a draft was issued")
		}
		d.Draft, d.Number = false, ""
		if err := document.IssueLater(ctx, bdb, document.Ref{Entity: "quote", EntityID: 10, Version: 1}, d); err == nil {
			t.Error("a document without number was issued")
		}
	})
}
