package document_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
)

func storeDoc(note string) document.Document {
	return document.Document{
		Kind: document.KindQuote, Number: "AN-2026-000045", VersionNo: 2,
		Date:   time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
		Issuer: document.Party{Name: "KID Magdeburg", Street: "Alter Markt 6", Zip: "39104", City: "Magdeburg"},
		Recipient: document.Party{Name: "Landkreis Börde", Street: "Gerikestraße 104", Zip: "39340", City: "Haldensleben",
			LeitwegID: "15083-BOERDE-14"},
		Lines: []document.Line{{Position: 1, SKU: "SV", Text: "Einrichtung vor Ort", Quantity: 2, Unit: "Stunde",
			UnitPriceCents: 9500, DiscountBP: 1500, VATPercent: 7, NetCents: 16150}},
		Note: note,
	}
}

func TestStoreIssueGetLatest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		ref := document.Ref{Entity: "quote", EntityID: 7, Version: 2}
		s, err := document.Issue(ctx, bdb, ref, storeDoc("Mit freundlichen Grüßen"))
		if err != nil {
			t.Fatal(err)
		}
		if s.ID == 0 || len(s.SHA256) != 64 || s.Size != int64(len(s.Bytes)) || s.FileName != "AN-2026-000045-v2.pdf" {
			t.Fatalf("stored %+v", s)
		}
		if s.Number != "AN-2026-000045 v2" || s.Date.String() != "2026-11-22" {
			t.Errorf("number %q date %s", s.Number, s.Date)
		}

		got, err := document.Get(ctx, bdb, "quote", 7, document.KindQuote, 2)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Bytes) != string(s.Bytes) || got.SHA256 != document.Checksum(got.Bytes) {
			t.Fatal("stored bytes differ from issued bytes")
		}

		// Issuing the same document again is harmless and gives the same row.
		again, err := document.Issue(ctx, bdb, ref, storeDoc("Mit freundlichen Grüßen"))
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != s.ID || again.SHA256 != s.SHA256 {
			t.Errorf("re-issue gave %d/%s, want %d/%s", again.ID, again.SHA256, s.ID, s.SHA256)
		}
		// A different document under the same key is refused.
		if _, err := document.Issue(ctx, bdb, ref, storeDoc("anders")); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("changed re-issue: %v, want conflict", err)
		}
		// A draft is never issued.
		draft := storeDoc("")
		draft.Draft = true
		if _, err := document.Issue(ctx, bdb, document.Ref{Entity: "quote", EntityID: 8, Version: 1}, draft); err == nil {
			t.Error("a draft was issued")
		}

		// Latest picks the highest version.
		d3 := storeDoc("Version 3")
		d3.VersionNo = 3
		if _, err := document.Issue(ctx, bdb, document.Ref{Entity: "quote", EntityID: 7, Version: 3}, d3); err != nil {
			t.Fatal(err)
		}
		latest, err := document.Latest(ctx, bdb, "quote", 7, document.KindQuote)
		if err != nil {
			t.Fatal(err)
		}
		if latest.Version != 3 || latest.FileName != "AN-2026-000045-v3.pdf" {
			t.Errorf("latest %d %s", latest.Version, latest.FileName)
		}
		if _, err := document.Latest(ctx, bdb, "quote", 99, document.KindQuote); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("latest of nothing: %v", err)
		}
		if ok, err := document.Exists(ctx, bdb, "quote", 7, document.KindQuote); err != nil || !ok {
			t.Errorf("exists: %v %v", ok, err)
		}
	})
}

// TestStoreConcurrentIssue issues the same document from several
// goroutines at once: one row, every caller gets it.
func TestStoreConcurrentIssue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		ids := make([]int64, 6)
		errs := make([]error, 6)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					s, err := document.Issue(ctx, tx, document.Ref{Entity: "order", EntityID: 1, Version: 4}, storeDoc(""))
					if err == nil {
						ids[i] = s.ID
					}
					return err
				})
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil {
				t.Fatalf("issue %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("ids %v differ", ids)
			}
		}
	})
}
