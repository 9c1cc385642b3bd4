package ui_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

// TestOrderPageShowsQuoteDiscountAndSources: after a quotation with a
// discount was accepted, the order page shows the discount per line and
// in sum, and badges each line by its own price source (contract,
// quotation, free line) instead of „Preis laut Angebot/auf Anfrage“ for
// all.
func TestOrderPageShowsQuoteDiscountAndSources(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		qs := quotetest.Service(f)
		ctx := context.Background()
		sales := f.P(t, "vertrieb@kid.example")
		o, q := quotetest.Quoting(t, f, qs)

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		page := fmt.Sprintf("/orders/%d", o.ID)
		before := buyer.Get(page)
		wantStatus(t, before, 200)
		if strings.Contains(before.Body, "Preis laut Angebot/auf Anfrage") || strings.Contains(before.Body, "Preis laut Angebot<") {
			t.Error("before acceptance a line claims a quoted price")
		}

		lines := quotetest.Lines(q)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 500
		lines = append(lines, quotetest.Installation)
		must := func(q *quote.Quote, err error) *quote.Quote {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		q = must(qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines}))
		q = must(qs.Submit(ctx, sales, q.ID, q.Version, ""))
		q = must(qs.Send(ctx, sales, q.ID, q.Version, ""))
		must(quotetest.Sales(f, qs).Accept(ctx, f.P(t, "genehmigung@boerde.example"), q.ID, q.Version, ""))

		res := buyer.Get(page)
		mustHave(t, "accepted order", res, 200, `data-testid="line-discount">− 5 %`, `data-testid="order-discount"`,
			"Preis laut Angebot", "Freie Position aus dem Angebot")
		if strings.Contains(res.Body, "Preis laut Angebot/auf Anfrage") {
			t.Error("the old catch-all badge is still shown")
		}
		badges := regexp.MustCompile(`data-testid="line-source">([^<]*)<`).FindAllStringSubmatch(res.Body, -1)
		seen := map[string]int{}
		for _, b := range badges {
			seen[b[1]]++
		}
		if seen["Preis laut Angebot"] != 2 || seen["Freie Position aus dem Angebot"] != 1 || len(badges) != len(q.Lines) {
			t.Errorf("badges %v for %d lines", seen, len(q.Lines))
		}
	})
}
