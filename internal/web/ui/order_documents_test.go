package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/webtest"
)

// TestOrderDocuments: the confirmed, partly delivered demo order lists its
// request, confirmation and delivery note on its page; the request stays
// downloadable after the confirmation under its own name and differs from
// the confirmation; a delivery note downloads for the order's delivery,
// another order's delivery is a 404, and another member's user gets 404
// for every document (page and API).
func TestOrderDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		o := demoPartlyDelivered(t, a)
		var own, foreign order.Delivery
		ctx := context.Background()
		if err := bdb.NewSelect().Model(&own).Where("order_id = ?", o.ID).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
			t.Fatalf("delivery of %s: %v", o.Number, err)
		}
		if err := bdb.NewSelect().Model(&foreign).Where("order_id <> ?", o.ID).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
			t.Fatalf("delivery of another order: %v", err)
		}
		base := fmt.Sprintf("/orders/%d", o.ID)
		reqPath, confPath := base+"/documents/request", base+"/documents/confirmation"
		notePath := fmt.Sprintf("%s/deliveries/%d/pdf", base, own.ID)

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		res := buyer.Get(base)
		wantStatus(t, res, 200)
		for _, want := range []string{`data-testid="order-document-list"`, `href="` + reqPath + `"`, `href="` + confPath + `"`, `href="` + notePath + `"`,
			"Bestellanforderung", "Auftragsbestätigung", "Lieferschein", order.DeliveryNoteNumber(o.Number, own.DeliveryNo)} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("order page lacks %q", want)
			}
		}
		req, conf, note := buyer.Get(reqPath), buyer.Get(confPath), buyer.Get(notePath)
		for _, r := range []webtest.Response{req, conf, note} {
			wantStatus(t, r, 200)
			if ct := r.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF") {
				t.Errorf("content type %q", ct)
			}
		}
		reqName, confName := req.Header.Get("Content-Disposition"), conf.Header.Get("Content-Disposition")
		if reqName == confName || !strings.Contains(reqName, "Anforderung") || req.Body == conf.Body {
			t.Errorf("request %q is the confirmation %q", reqName, confName)
		}
		if !strings.Contains(note.Header.Get("Content-Disposition"), order.DeliveryNoteNumber(o.Number, own.DeliveryNo)) {
			t.Errorf("delivery note named %q", note.Header.Get("Content-Disposition"))
		}
		if again := buyer.Get(notePath); again.Body != note.Body {
			t.Errorf("delivery note differs on the second download")
		}
		// The old download still answers the confirmation.
		if old := buyer.Get(base + "/pdf"); old.Status != 200 || old.Body != conf.Body {
			t.Errorf("GET %s/pdf: %d", base, old.Status)
		}
		wantStatus(t, buyer.Get(fmt.Sprintf("%s/deliveries/%d/pdf", base, foreign.ID)), 404)

		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		for _, path := range []string{reqPath, confPath, notePath} {
			wantStatus(t, other.Get(path), 404)
		}

		api := webtest.NewClient(t, a)
		api.Token("einkauf@boerde.example")
		res = api.Get("/api/v1" + notePath)
		wantStatus(t, res, 200)
		if res.Body != note.Body {
			t.Errorf("API delivery note differs from the page's")
		}
		wantStatus(t, api.Get("/api/v1"+reqPath), 200)
		wantStatus(t, api.Get("/api/v1"+confPath), 200)
		wantStatus(t, api.Get(fmt.Sprintf("/api/v1%s/deliveries/%d/pdf", base, foreign.ID)), 404)
		api.Token("einkauf@weissenfels.example")
		wantStatus(t, api.Get("/api/v1"+reqPath), 404)
	})
}
