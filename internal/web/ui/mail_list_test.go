package ui_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/webtest"
)

// TestOutboxPage: admin reads the outgoing mails (the demo has no SMTP)
// with their text; nobody else may, and only admin's menu shows it.
func TestOutboxPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		if err := notify.Enqueue(context.Background(), bdb, notify.Message{Event: "order.submit", To: "genehmigung@boerde.example",
			Subject: "BA-2026-000099 wartet auf Ihre Genehmigung", Body: "Guten Tag,\nbitte entscheiden Sie.", Entity: "order", EntityID: 99}); err != nil {
			t.Fatal(err)
		}
		admin := webtest.NewClient(t, a)
		admin.Login("admin@kid.example")
		mustHave(t, "admin's outbox", admin.Get("/admin/mails"), 200, "Ausgehende E-Mails", "genehmigung@boerde.example",
			"BA-2026-000099 wartet auf Ihre Genehmigung", "bitte entscheiden Sie.", "wartet", `href="/admin/mails"`)
		for _, email := range []string{"einkauf@boerde.example", "finanzen@kid.example", "vertrieb@kid.example"} {
			c := webtest.NewClient(t, a)
			c.Login(email)
			res := c.Get("/admin/mails")
			if res.Status != 403 {
				t.Errorf("%s: outbox %d, want 403", email, res.Status)
			}
			mustHave(t, email+" start page", c.Get("/"), 200)
		}
	})
}
