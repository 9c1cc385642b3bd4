package ui_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
)

// shot keeps a screenshot of the page when COOPSHOP_SHOT_DIR is set, for
// looking at the pages of issue 13 as a user sees them.
func shot(b *browsertest.Browser, name string) {
	if dir := os.Getenv("COOPSHOP_SHOT_DIR"); dir != "" {
		b.Screenshot(dir + "/" + name + ".png")
	}
}

// TestBrowserCartEnterUpdates: Enter in a cart quantity field updates the
// quantities; it no longer removes the first line (issue 13).
func TestBrowserCartEnterUpdates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)
		f := ordertest.Attach(t, bdb)
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2, "T-NB": 1})
		b.Login(shop, "einkauf@boerde.example")
		b.Open(shop.URL + "/cart")
		first := `table[data-testid=cart] tbody tr:first-child input[name=quantity]`
		name := b.Text(`table[data-testid=cart] tbody tr:first-child strong`)
		b.Fill(first, "3")
		b.Do(
			chromedp.SendKeys(chromedp.CSS(first), kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if got := b.Text(`.flash`); !strings.Contains(got, "Mengen wurden aktualisiert") {
			t.Fatalf("after Enter: %q", got)
		}
		body := b.Text(`table[data-testid=cart] tbody`)
		if !strings.Contains(body, name) || strings.Count(body, "Entfernen") != 2 {
			t.Fatalf("a line is gone after Enter: %q", body)
		}
		if v := browsertest.Run(b, chromedp.Value(chromedp.CSS(first))); v != "3" {
			t.Errorf("first quantity %q, want 3", v)
		}
		// Removing still removes exactly its line.
		// The flash of the update is still on the page: wait for the
		// reloaded cart with one line instead.
		b.Do(chromedp.Click(chromedp.CSS(`table[data-testid=cart] tbody tr:first-child button[form]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`table[data-testid=cart] tbody tr:nth-child(2)`)))
		if got := b.Text(`table[data-testid=cart] tbody`); strings.Contains(got, name) || strings.Count(got, "Entfernen") != 1 {
			t.Errorf("after removing %q: %q", name, got)
		}
		// The quick entry with an unknown SKU: one message, what was typed kept.
		b.Fill(`[data-testid=quick-add] input[name=sku]`, "T-GIBTSNICHT")
		b.Do(chromedp.SendKeys(chromedp.CSS(`[data-testid=quick-add] input[name=sku]`), kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=sku-error]`)))
		if v := browsertest.Run(b, chromedp.Value(chromedp.CSS(`[data-testid=quick-add] input[name=sku]`))); v != "T-GIBTSNICHT" {
			t.Errorf("typed SKU lost: %q", v)
		}
		shot(b, "cart-unknown-sku")
		// Above the quota: a plain warning, not a green message.
		b.Fill(`[data-testid=quick-add] input[name=sku]`, "T-SSD")
		b.Fill(`[data-testid=quick-add] input[name=quantity]`, "12")
		b.Do(chromedp.Click(chromedp.CSS(`[data-testid=quick-add] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=warning]`)))
		shot(b, "cart-over-quota")
	})
}

// TestBrowserQuoteSubmitKeepsEdits: „Speichern und abschließen“ keeps
// what was typed; a missing price is named by position (issue 13).
func TestBrowserQuoteSubmitKeepsEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)
		f := ordertest.Attach(t, bdb)
		_, q := quotetest.Quoting(t, f, quotetest.Service(f))
		b.Login(shop, "vertrieb@kid.example")
		b.Open(fmt.Sprintf("%s/quotes/%d", shop.URL, q.ID))
		b.Fill(`textarea[data-testid=note]`, "Lieferung bitte vormittags.")
		b.Do(chromedp.Click(chromedp.CSS(`[data-testid=step-submit]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=form-error]`)))
		if got := b.Text(`[data-testid=form-error]`); !strings.Contains(got, "Position") || !strings.Contains(got, "Test-Vor-Ort-Einrichtung") {
			t.Errorf("error %q does not name the line", got)
		}
		if got := browsertest.Run(b, chromedp.Value(chromedp.CSS(`textarea[data-testid=note]`))); got != "Lieferung bitte vormittags." {
			t.Errorf("the note was thrown away: %q", got)
		}
		shot(b, "quote-submit-error")
		row := fmt.Sprintf(`tr[data-line]:has(input[name=line_product][value="%d"]) input[name=line_price]`, f.Products["T-SRV"].ID)
		b.Fill(row, "95,00")
		b.Do(chromedp.Click(chromedp.CSS(`[data-testid=step-submit]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		if got := b.Text(`[data-testid=quote-state]`); got == "Entwurf" {
			t.Errorf("still a draft after save and submit")
		}
	})
}
