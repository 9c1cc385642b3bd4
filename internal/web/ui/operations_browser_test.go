package ui_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"coopshop/internal/browsertest"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/webtest"
)

// TestBrowserOperations: admin reaches "Betrieb" from the menu, sees a
// failed mail with its error and the backup the nightly job wrote, sends
// the mail round again with "Jetzt erneut versuchen"; at 390 px the page
// is no wider than the screen. Screenshots at both widths go to
// os.TempDir() (coopshop-operations-1366.png, -390.png).
func TestBrowserOperations(t *testing.T) {
	b := browsertest.NewBrowser(t)
	ctx := context.Background()
	bdb := dbtest.Open(t, "sqlite")
	dir := t.TempDir()
	a := webtest.NewWith(t, bdb, func(c *config.Config) { c.BackupDir = dir })
	seedDemoSubscriptions(t, a)
	if _, _, err := a.Backups.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vor-dem-update-2026-11-01.db"), make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := notify.Enqueue(ctx, bdb, notify.Message{Event: "order.submit", To: "genehmigung@boerde.example", Subject: "s", Body: "b", Entity: "order", EntityID: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := bdb.ExecContext(ctx, "UPDATE jobs SET state = 'failed', attempts = 10, done_at = ?, last_error = ? WHERE id = (SELECT max(id) FROM jobs WHERE kind = 'mail')",
		webtest.Clock(a).Now(), "dial tcp 10.0.0.25:25: connect: connection refused"); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	shop := &browsertest.Shop{URL: "http://" + ln.Addr().String()}

	b.SetViewport(1366, 900)
	b.Login(shop, "admin@kid.example")
	b.Do(chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Betrieb"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=jobs-failed]`)))
	failed := b.Text(`[data-testid=jobs-failed] tbody`)
	if !strings.Contains(failed, "connection refused") || !strings.Contains(failed, "E-Mail") {
		t.Fatalf("failed jobs: %q", failed)
	}
	if backups := b.Text(`[data-testid=backups] tbody`); !strings.Contains(backups, "coopshop-20261122-") || !strings.Contains(backups, "(von Hand)") {
		t.Fatalf("backups: %q", backups)
	}
	b.Screenshot(filepath.Join(os.TempDir(), "coopshop-operations-1366.png"))
	b.Do(chromedp.Click(chromedp.Search(`//section[@data-testid="jobs-failed"]//button[normalize-space()="Jetzt erneut versuchen"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=no-failed-jobs]`)))
	b.SetViewport(390, 844)
	b.Open(shop.URL + "/admin/operations")
	if over := b.HorizontalOverflow(); over > 0 {
		t.Errorf("the page is %d px wider than the 390 px screen", over)
	}
	b.Screenshot(filepath.Join(os.TempDir(), "coopshop-operations-390.png"))
}
