package db_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

type jsonKind string

type jsonParent struct {
	bun.BaseModel `bun:"table:json_parents,alias:jp"`
	ID            int64  `bun:"id,pk,autoincrement"`
	Name          string `bun:"name"`
	ChildrenJSON  string `bun:"children_json,scanonly"`
}

type jsonChild struct {
	bun.BaseModel `bun:"table:json_children,alias:jc"`
	ID            int64      `bun:"id,pk,autoincrement"`
	ParentID      int64      `bun:"parent_id"`
	No            int        `bun:"no"`
	Name          string     `bun:"name"`
	Kind          jsonKind   `bun:"kind"`
	Cents         int64      `bun:"cents"`
	Ref           *int64     `bun:"ref"`
	Done          bool       `bun:"done"`
	At            time.Time  `bun:"at"`
	DecidedAt     *time.Time `bun:"decided_at"`
}

// TestJSONRows: children read as JSON inside their parent's statement
// come out as bun reads them from their own table – numbers beyond
// float64's precision, NULLs, booleans, times with and without NULL,
// quotes and umlauts in text, in the order asked for – and a parent
// without children has none.
func TestJSONRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		for _, m := range []any{(*jsonParent)(nil), (*jsonChild)(nil)} {
			if _, err := bdb.NewCreateTable().Model(m).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		parents := []*jsonParent{{Name: "mit Kindern"}, {Name: "ohne"}}
		if _, err := bdb.NewInsert().Model(&parents).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		ref := int64(1<<53 + 1)
		at := time.Date(2026, 12, 4, 17, 30, 1, 123456000, time.UTC)
		children := []*jsonChild{
			{ParentID: parents[0].ID, No: 3, Name: `Zubehör "Dock" \ 27"`, Kind: "list", Cents: -1, Ref: &ref, Done: true, At: at, DecidedAt: &at},
			{ParentID: parents[0].ID, No: 1, Name: "", Kind: "contract", Cents: 1 << 40, At: at.Add(time.Hour)},
			{ParentID: parents[0].ID, No: 2, Name: "Zeile\nzwei", Kind: "", Cents: 0, At: at},
		}
		if _, err := bdb.NewInsert().Model(&children).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for _, p := range parents {
			var got jsonParent
			q := bdb.NewSelect().Model(&got).ColumnExpr("jp.*").
				ColumnExpr(db.JSONRows(bdb, (*jsonChild)(nil), "jc.parent_id = jp.id", "jc.no")+" AS children_json").
				Where("jp.id = ?", p.ID)
			if err := q.Scan(ctx); err != nil {
				t.Fatal(err)
			}
			var fromJSON []*jsonChild
			if err := db.ScanJSONRows(bdb, []byte(got.ChildrenJSON), &fromJSON); err != nil {
				t.Fatalf("%s: %v", got.ChildrenJSON, err)
			}
			var want []*jsonChild
			if err := bdb.NewSelect().Model(&want).Where("parent_id = ?", p.ID).Order("no").Scan(ctx); err != nil {
				t.Fatal(err)
			}
			if len(fromJSON) != len(want) || (p == parents[0] && len(want) != 3) {
				t.Fatalf("%s: %d children from JSON, %d from the table", p.Name, len(fromJSON), len(want))
			}
			for i := range want {
				if !sameChild(fromJSON[i], want[i]) {
					t.Errorf("%s, child %d:\nfrom JSON  %s\nfrom table %s", p.Name, i, show(fromJSON[i]), show(want[i]))
				}
			}
		}
	})
}

// sameChild compares two children, times as instants.
func sameChild(a, b *jsonChild) bool {
	ta, tb := *a, *b
	if !ta.At.Equal(tb.At) || (ta.DecidedAt == nil) != (tb.DecidedAt == nil) || (ta.DecidedAt != nil && !ta.DecidedAt.Equal(*tb.DecidedAt)) {
		return false
	}
	ta.At, tb.At, ta.DecidedAt, tb.DecidedAt = time.Time{}, time.Time{}, nil, nil
	return reflect.DeepEqual(ta, tb)
}

func show(c *jsonChild) string {
	ref, decided := "nil", "nil"
	if c.Ref != nil {
		ref = fmt.Sprint(*c.Ref)
	}
	if c.DecidedAt != nil {
		decided = c.DecidedAt.String()
	}
	return fmt.Sprintf("%d %d %d %q %q %d ref=%s %v %s %s", c.ID, c.ParentID, c.No, c.Name, c.Kind, c.Cents, ref, c.Done, c.At, decided)
}
