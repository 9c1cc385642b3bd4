package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// TestAvailabilityUrgencyAndDropShipmentPages walks issue 14 through the
// pages: the catalog manager sets a delivery time on the product form;
// catalog, product page, cart and order show the availability; an urgent
// checkout needs its reason and shows up as Eilbestellung in the order
// and in sales' inbox; sales' confirmation sends the lines of a contract
// with a supplier e-mail to the supplier, listed on the order for sales
// with its PDF, and not shown to the member.
func TestAvailabilityUrgencyAndDropShipmentPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		mon, ssd := f.Products["T-MON"], f.Products["T-SSD"]
		if _, err := bdb.NewUpdate().Table("products").Set("availability = 'unavailable', available_from = '2027-01-15'").Where("id = ?", ssd.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.NewUpdate().Table("contracts").Set("supplier_email = 'auftrag@test-gmbh.example'").Where("id = ?", f.Contract.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		// The catalog manager sets a delivery time; without days it is a
		// field error and the typed values stay.
		mgr := webtest.NewClient(t, a)
		mgr.Login("katalog@kid.example")
		edit := mgr.Get(fmt.Sprintf("/catalog/manage/products/%d", mon.ID))
		mustHave(t, "product form", edit, 200, `name="availability"`, "Lieferzeit in Arbeitstagen", `name="lead_time_days"`)
		form := url.Values{"version": {regexpValue(edit.Body, "version")}, "sku": {"T-MON"}, "name": {mon.Name}, "kind": {"hardware"}, "unit": {"Stück"},
			"list_price": {"199,00"}, "vat_percent": {"19"}, "active": {"1"}, "notice_months": {"3"}, "end_reminder_months": {"3"},
			"availability": {"lead_time"}, "lead_time_days": {""}}
		res := mgr.PostForm(fmt.Sprintf("/catalog/manage/products/%d", mon.ID), form)
		mustHave(t, "lead time without days", res, 422, "Bitte geben Sie die Lieferzeit in Arbeitstagen an")
		form.Set("lead_time_days", "10")
		wantStatus(t, mgr.PostForm(fmt.Sprintf("/catalog/manage/products/%d", mon.ID), form), 303)

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		mustHave(t, "catalog list", buyer.Get("/catalog?q=Test-Monitor"), 200, `data-testid="availability">Lieferzeit ca. 10 Arbeitstage`)
		mustHave(t, "product page", buyer.Get(fmt.Sprintf("/catalog/products/%d", ssd.ID)), 200, `data-testid="availability">Nicht lieferbar bis 15.01.2027`)
		buyer.Get("/cart")
		wantStatus(t, buyer.PostForm("/cart/items", url.Values{"sku": {"T-MON"}, "quantity": {"2"}}), 303)
		mustHave(t, "cart", buyer.Get("/cart"), 200, `data-testid="cart-availability">Lieferzeit ca. 10 Arbeitstage`, `name="urgent"`)

		// Urgent without a reason: back to the cart, the box still ticked.
		checkout := url.Values{"cost_centre": {"1100"}, "delivery_address_id": {"new"}, "delivery_address": {"Landkreis Börde\nGerikestraße 104\n39340 Haldensleben"},
			"reason": {"Monitore für das Impfzentrum"}, "idempotency_key": {"urgent-1"}, "urgent": {"1"}}
		wantStatus(t, buyer.PostForm("/orders", checkout), 303)
		page := buyer.Get("/cart")
		mustHave(t, "urgent without reason", page, 200, "Bitte begründen Sie, warum die Bestellung eilt.", `name="urgent" value="1" checked`)
		checkout.Set("urgent_reason", "Das Impfzentrum öffnet am Montag.")
		res = buyer.PostForm("/orders", checkout)
		m := orderLink.FindStringSubmatch(res.Location())
		if res.Status != 303 || m == nil {
			t.Fatalf("checkout: %d → %q", res.Status, res.Location())
		}
		orderPath := "/orders/" + m[1]
		mustHave(t, "urgent order", buyer.Get(orderPath), 200, `data-testid="urgent-badge"`, "Das Impfzentrum öffnet am Montag.",
			`data-testid="line-availability">Lieferzeit ca. 10 Arbeitstage`)

		approver := webtest.NewClient(t, a)
		approver.Login("genehmigung@boerde.example")
		inbox := approver.Get("/inbox")
		mustHave(t, "approver inbox", inbox, 200, `class="urgent"`, "Eilbestellungen zuerst")
		wantStatus(t, approver.PostForm(orderPath+"/approve", url.Values{"version": {regexpValue(approver.Get(orderPath).Body, "version")}, "comment": {"eilt"}}), 303)

		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		mustHave(t, "sales inbox", sales.Get("/sales/orders"), 200, orderPath+`">`, `data-testid="urgent-badge"`)
		wantStatus(t, sales.PostForm(orderPath+"/confirm", url.Values{"version": {regexpValue(sales.Get(orderPath).Body, "version")}}), 303)
		page = sales.Get(orderPath)
		mustHave(t, "order with its purchase order", page, 200, `data-testid="purchase-orders"`, "BE-2026-", "Test GmbH", "Versand folgt",
			`data-testid="purchase-order-pdf"`)
		pdfPath := between(page.Body, `href="/purchase-orders/`, `"`)
		if pdf := sales.Get("/purchase-orders/" + pdfPath); pdf.Status != 200 || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Fatalf("purchase order PDF: %d", pdf.Status)
		}
		if body := html.UnescapeString(buyer.Get(orderPath).Body); strings.Contains(body, "Streckengeschäft") || strings.Contains(body, "BE-2026-") {
			t.Error("the member sees the purchase order")
		}
		if r := buyer.Get("/purchase-orders/" + pdfPath); r.Status != 403 {
			t.Errorf("member downloads the purchase order: %d", r.Status)
		}
	})
}

// between is the text of s after the first from up to the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}
