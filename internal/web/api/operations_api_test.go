package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/webtest"
)

// TestOperationsAPI: admin reads the operator's view with a failed mail
// and retries it with the version seen, its attempts (missing: 422,
// stale: 409, an unknown field: 422); nobody else reads or retries.
func TestOperationsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		if err := notify.Enqueue(ctx, bdb, notify.Message{Event: "x", To: "a@b.example", Subject: "s", Body: "b", Entity: "order", EntityID: 5}); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := bdb.NewRaw("SELECT max(id) FROM jobs WHERE kind = 'mail'").Scan(ctx, &id); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.ExecContext(ctx, "UPDATE jobs SET state = 'failed', attempts = 3, last_error = 'smtp down', done_at = ? WHERE id = ?", webtest.Clock(a).Now(), id); err != nil {
			t.Fatal(err)
		}
		admin := webtest.NewClient(t, a)
		admin.Token("admin@kid.example")
		res := admin.Get("/api/v1/operations")
		var o struct {
			FailedJobs []struct {
				ID        int64  `json:"id"`
				Kind      string `json:"kind"`
				LastError string `json:"last_error"`
				Attempts  int    `json:"attempts"`
			} `json:"failed_jobs"`
			Mails    struct{ Failed int } `json:"mails"`
			Database struct {
				SizeBytes int64 `json:"size_bytes"`
			} `json:"database"`
			Migrations []struct {
				Version int `json:"version"`
			} `json:"migrations"`
		}
		res.JSON(t, &o)
		if res.Status != 200 || len(o.FailedJobs) != 1 || o.FailedJobs[0].ID != id || o.FailedJobs[0].LastError != "smtp down" ||
			o.Mails.Failed != 1 || o.Database.SizeBytes <= 0 || len(o.Migrations) == 0 {
			t.Fatalf("operations %d: %s", res.Status, res.Body)
		}
		path := fmt.Sprintf("/api/v1/jobs/%d/retry", id)
		for _, c := range []struct {
			body   string
			status int
		}{
			{`{}`, 422},
			{`{"version":3,"force":true}`, 422},
			{`{"version":2}`, 409},
			{`{"version":3}`, 200},
			{`{"version":3}`, 409},
		} {
			if res := admin.JSON("POST", path, c.body); res.Status != c.status {
				t.Errorf("retry %s: %d, want %d: %s", c.body, res.Status, c.status, res.Body)
			}
		}
		if res := admin.JSON("POST", "/api/v1/jobs/999999/retry", `{"version":1}`); res.Status != 404 {
			t.Errorf("unknown job: %d", res.Status)
		}
		for _, email := range []string{"revision@kid.example", "finanzen@kid.example", "kaemmerei@boerde.example"} {
			c := webtest.NewClient(t, a)
			c.Token(email)
			if res := c.Get("/api/v1/operations"); res.Status != 403 {
				t.Errorf("%s reads operations: %d", email, res.Status)
			}
			if res := c.JSON("POST", path, `{"version":3}`); res.Status != 403 {
				t.Errorf("%s retries: %d", email, res.Status)
			}
		}
	})
}
