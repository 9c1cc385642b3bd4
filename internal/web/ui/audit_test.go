package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

type auditListJSON struct {
	Items []struct {
		ID       int64
		Action   string
		Entity   string
		EntityID int64 `json:"entity_id"`
		Detail   string
	}
	NextCursor *string `json:"next_cursor"`
}

// TestAuditVisibility: the trail applies the visibility of its entities.
// A member gets a 404 for the trail of a draft quote (its discounts and
// internal comments), sees a sent version only from its sending on,
// nothing of another member's order, and in a listing only entries of
// what it may see; auditors see everything; the /audit page says the
// same. Before, the member read the whole trail of its organisation.
func TestAuditVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		qs := quotetest.Service(f)
		ctx := context.Background()
		sales, lead := f.P(t, "vertrieb@kid.example"), f.P(t, "vertriebsleitung@kid.example")
		const secret = "Interner Hinweis: Marge 40 %"

		// A draft with an internal discount and comment, never sent.
		_, draft := quotetest.Quoting(t, f, qs)
		lines := quotetest.Lines(draft)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 2500
		draft, err := qs.Update(ctx, sales, draft.ID, draft.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		draft, err = qs.Submit(ctx, sales, draft.ID, draft.Version, secret)
		ordertest.WantCode(t, err, "")

		// A version that went through the sales lead and was sent.
		sentOrder, sent := quotetest.Quoting(t, f, qs)
		lines = quotetest.Lines(sent)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 2500
		sent, err = qs.Update(ctx, sales, sent.ID, sent.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		sent, err = qs.Submit(ctx, sales, sent.ID, sent.Version, secret)
		ordertest.WantCode(t, err, "")
		sent, err = qs.Approve(ctx, lead, sent.ID, sent.Version, secret)
		ordertest.WantCode(t, err, "")
		sent, err = qs.Send(ctx, sales, sent.ID, sent.Version, "Ihr Angebot")
		ordertest.WantCode(t, err, "")

		client := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Token(email)
			return c
		}
		buyer, foreign, auditor := client("einkauf@boerde.example"), client("einkauf@weissenfels.example"), client("revision@kid.example")
		trail := func(c *webtest.Client, query string) (int, auditListJSON, string) {
			t.Helper()
			res := c.Get("/api/v1/audit" + query)
			var out auditListJSON
			if res.Status == 200 {
				res.JSON(t, &out)
			}
			return res.Status, out, res.Body
		}
		actions := func(l auditListJSON) string {
			var out []string
			for i := len(l.Items) - 1; i >= 0; i-- {
				out = append(out, l.Items[i].Action)
			}
			return strings.Join(out, " ")
		}
		draftQ, sentQ := fmt.Sprintf("?entity=quote&id=%d", draft.ID), fmt.Sprintf("?entity=quote&id=%d", sent.ID)
		orderQ := fmt.Sprintf("?entity=order&id=%d", sentOrder.ID)

		tests := []struct {
			name    string
			c       *webtest.Client
			query   string
			status  int
			actions string // oldest first; "" not checked
		}{
			{"member, draft quote", buyer, draftQ, 404, ""},
			{"member, sent quote: from the sending on", buyer, sentQ, 200, "quote.send"},
			{"member, own order", buyer, orderQ, 200, "order.submit order.approve order.quote"},
			{"other member, order", foreign, orderQ, 404, ""},
			{"other member, sent quote", foreign, sentQ, 404, ""},
			{"member, unknown order", buyer, "?entity=order&id=999999999", 404, ""},
			{"member, unknown kind", buyer, "?entity=product&id=1", 404, ""},
			{"auditor, draft quote", auditor, draftQ, 200, "quote.create quote.edit quote.submit"},
			{"auditor, sent quote", auditor, sentQ, 200, "quote.create quote.edit quote.submit quote.approve quote.send"},
			{"auditor, unknown quote", auditor, "?entity=quote&id=999999999", 404, ""},
			{"id without kind", buyer, fmt.Sprintf("?id=%d", sent.ID), 422, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				status, l, body := trail(tc.c, tc.query)
				if status != tc.status {
					t.Fatalf("status %d, want %d: %.300s", status, tc.status, body)
				}
				if tc.actions != "" && actions(l) != tc.actions {
					t.Fatalf("actions %q, want %q", actions(l), tc.actions)
				}
				if tc.c != auditor && strings.Contains(body, "Marge") {
					t.Fatalf("a member reads the internal comment: %.300s", body)
				}
			})
		}

		// Listings: the member sees nothing of the draft and of the sent
		// version before its sending, nothing of another member; the auditor
		// everything.
		for _, query := range []string{"?cursor=", "?entity=quote"} {
			_, l, body := trail(buyer, query)
			if strings.Contains(body, "Marge") {
				t.Fatalf("member listing %s shows the internal comment", query)
			}
			for _, e := range l.Items {
				if e.Entity == "quote" && (e.EntityID == draft.ID || e.Action != "quote.send" && e.EntityID == sent.ID) {
					t.Fatalf("member listing %s shows %s of quote %d", query, e.Action, e.EntityID)
				}
			}
			if !strings.Contains(body, fmt.Sprintf(`"action":"quote.send","entity":"quote","entity_id":%d`, sent.ID)) {
				t.Fatalf("member listing %s lacks the sending: %.500s", query, body)
			}
		}
		_, l, _ := trail(foreign, "")
		for _, e := range l.Items {
			if e.EntityID == sentOrder.ID && e.Entity == "order" || e.Entity == "quote" && (e.EntityID == sent.ID || e.EntityID == draft.ID) {
				t.Fatalf("another member's listing shows %s %d", e.Action, e.EntityID)
			}
		}
		if _, l, _ := trail(auditor, "?entity=quote&limit=500"); !strings.Contains(actions(l), "quote.approve") {
			t.Fatal("the auditor's listing lacks the internal approval")
		}
		// An empty list is an empty list.
		res := buyer.Get("/api/v1/audit?entity=product")
		if res.Status != 200 || strings.TrimSpace(res.Body) != `{"items":[],"next_cursor":null}` {
			t.Fatalf("empty list: %d %s", res.Status, res.Body)
		}

		// The page says the same.
		page := webtest.NewClient(t, a)
		page.Login("einkauf@boerde.example")
		if res := page.Get("/audit" + draftQ); res.Status != 404 {
			t.Fatalf("page, member, draft quote: %d", res.Status)
		}
		res = page.Get("/audit" + sentQ)
		if res.Status != 200 || !strings.Contains(res.Body, "Angebot versendet") || strings.Contains(res.Body, "Angebot freigegeben") || strings.Contains(res.Body, "Marge") {
			t.Fatalf("page, member, sent quote: %d %.500s", res.Status, res.Body)
		}
		res = page.Get("/audit")
		if res.Status != 200 || strings.Contains(res.Body, "Marge") || strings.Contains(res.Body, "Angebot abgeschlossen") {
			t.Fatalf("page, member listing shows internal entries: %d", res.Status)
		}
		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		if res := other.Get("/audit" + orderQ); res.Status != 404 {
			t.Fatalf("page, other member's order: %d", res.Status)
		}
		rev := webtest.NewClient(t, a)
		rev.Login("revision@kid.example")
		if res := rev.Get("/audit" + draftQ); res.Status != 200 || !strings.Contains(res.Body, "Angebot abgeschlossen") {
			t.Fatalf("page, auditor, draft: %d", res.Status)
		}
	})
}
