package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/webtest"
)

// TestOperationsPage: admin's "Betrieb" shows a failed mail with its last
// error, the backups of the backup directory, the database size and the
// migrations; "Jetzt erneut versuchen" sends it round again (audited), a
// second click on the stale page is refused with a message. Nobody else
// opens the page or retries, and only admin's menu links it.
func TestOperationsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "coopshop-20261121-023000.db"), make([]byte, 2048), 0o600); err != nil {
			t.Fatal(err)
		}
		a := webtest.NewWith(t, bdb, func(c *config.Config) { c.BackupDir = dir })
		if err := notify.Enqueue(ctx, bdb, notify.Message{Event: "order.submit", To: "genehmigung@boerde.example", Subject: "s", Body: "b", Entity: "order", EntityID: 99}); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := bdb.NewRaw("SELECT max(id) FROM jobs WHERE kind = 'mail'").Scan(ctx, &id); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.ExecContext(ctx, "UPDATE jobs SET state = 'failed', attempts = 10, done_at = ?, last_error = ? WHERE id = ?",
			webtest.Clock(a).Now(), "dial tcp 10.0.0.25:25: connection refused", id); err != nil {
			t.Fatal(err)
		}
		admin := webtest.NewClient(t, a)
		admin.Login("admin@kid.example")
		page := admin.Get("/admin/operations")
		mustHave(t, "operator's page", page, 200, "Betrieb", `href="/admin/operations"`, fmt.Sprintf(`data-testid="failed-job-%d"`, id),
			"dial tcp 10.0.0.25:25: connection refused", "Bestellung #99", "Jetzt erneut versuchen",
			"coopshop-20261121-023000.db", "2,0 KB", "0069_operations", "Migrationen angewendet", `href="/admin/mails"`)
		form := url.Values{"version": {"10"}}
		res := admin.PostForm(fmt.Sprintf("/admin/operations/jobs/%d/retry", id), form)
		if res.Status != 303 || res.Location() != "/admin/operations" {
			t.Fatalf("retry: %d %s", res.Status, res.Location())
		}
		mustHave(t, "after the retry", admin.Get("/admin/operations"), 200, fmt.Sprintf("Auftrag #%d (E-Mail) wird jetzt erneut versucht.", id), "Kein Auftrag ist fehlgeschlagen.")
		res = admin.PostForm(fmt.Sprintf("/admin/operations/jobs/%d/retry", id), form)
		if res.Status != 303 {
			t.Fatalf("second retry: %d", res.Status)
		}
		mustHave(t, "second retry", admin.Get("/admin/operations"), 409, "wartet auf keinen neuen Versuch")
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "job", EntityID: id})
		if err != nil || len(entries) != 1 || entries[0].Action != "job.retry" {
			t.Fatalf("audit %+v %v", entries, err)
		}
		for _, email := range []string{"revision@kid.example", "finanzen@kid.example", "kaemmerei@boerde.example"} {
			c := webtest.NewClient(t, a)
			c.Login(email)
			if res := c.Get("/admin/operations"); res.Status != 403 {
				t.Errorf("%s: page %d, want 403", email, res.Status)
			}
			home := c.Get("/")
			res := c.PostForm(fmt.Sprintf("/admin/operations/jobs/%d/retry", id), form)
			if res.Status != 403 {
				t.Errorf("%s: retry %d, want 403", email, res.Status)
			}
			mustHave(t, email+" start page", home, 200)
			if strings.Contains(home.Body, `href="/admin/operations"`) {
				t.Errorf("%s's menu links the operator's page", email)
			}
		}
	})
}
