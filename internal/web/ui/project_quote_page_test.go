package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

// TestProjectQuotePages: only sales get „Neues Projektangebot“; a form
// without title or lines answers 422 with what was typed; a valid one
// lands in the draft's editor. A sent project quotation offers the
// purchaser the form „Angebot annehmen und bestellen“ (and nobody else);
// an unknown cost centre is a 422 at the field, a valid take-up makes the
// purchaser its requester.
func TestProjectQuotePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		qs := quotetest.Service(f)
		sales, buyer, approver := webtest.NewClient(t, a), webtest.NewClient(t, a), webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		buyer.Login("einkauf@boerde.example")
		approver.Login("genehmigung@boerde.example")

		wantStatus(t, buyer.Get("/quotes/new"), http.StatusForbidden)
		if strings.Contains(buyer.Get("/quotes").Body, `data-testid="project-new"`) {
			t.Error("the purchaser is offered „Neues Projektangebot“")
		}
		if !strings.Contains(sales.Get("/quotes").Body, `data-testid="project-new"`) {
			t.Error("sales is not offered „Neues Projektangebot“")
		}
		res := sales.Get("/quotes/new")
		wantStatus(t, res, 200)
		form := url.Values{"_csrf": {sales.CSRF}, "member_id": {strconv.FormatInt(f.Boerde, 10)}, "title": {""}, "valid_until": {""},
			"note": {"Bitte beachten"}, "payment_terms": {""}, "delivery_terms": {""}}
		row := func(product, desc, qty, price string) {
			form.Add("line_product", product)
			form.Add("line_description", desc)
			form.Add("line_quantity", qty)
			form.Add("line_unit", "Stück")
			form.Add("line_price", price)
			form.Add("line_discount", "0")
			form.Add("line_vat", "19")
		}
		row("", "", "1", "")
		form.Set("valid_until", "2099-01-01")
		res = sales.PostForm("/quotes/new", form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, "Bitte einen Titel angeben") || !strings.Contains(res.Body, "Bitte beachten") {
			t.Errorf("422 page lacks the title error or the typed note")
		}

		form.Set("title", "Druckerkonzept")
		form.Set("valid_until", "")
		form["line_product"], form["line_description"], form["line_quantity"], form["line_unit"], form["line_price"], form["line_discount"], form["line_vat"] =
			nil, nil, nil, nil, nil, nil, nil
		row(strconv.FormatInt(f.Products["T-MON"].ID, 10), "", "4", "")
		row("", "Installation", "1", "250,00")
		res = sales.PostForm("/quotes/new", form)
		wantStatus(t, res, http.StatusUnprocessableEntity) // the validity must be a date
		form.Set("valid_until", webtest.Day.AddDays(20).String())
		res = sales.PostForm("/quotes/new", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		loc := res.Header.Get("Location")
		id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/quotes/"), 10, 64)
		if err != nil {
			t.Fatalf("redirect to %q", loc)
		}
		q, err := qs.Get(ctx, f.P(t, "vertrieb@kid.example"), id)
		if err != nil || !q.Project || q.Title != "Druckerkonzept" || len(q.Lines) != 2 || q.Lines[0].UnitPriceCents != 15000 || q.Note != "Bitte beachten" {
			t.Fatalf("created %v %+v", err, q)
		}
		sp := f.P(t, "vertrieb@kid.example")
		if q, err = qs.Submit(ctx, sp, q.ID, q.Version, ""); err != nil {
			t.Fatal(err)
		}
		if q, err = qs.Send(ctx, sp, q.ID, q.Version, ""); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/quotes/%d", q.ID)
		if body := approver.Get(page).Body; strings.Contains(body, `data-testid="quote-take-up"`) || strings.Contains(body, `data-testid="step-accept"`) {
			t.Error("the approver is offered to take up or accept what nobody took up yet")
		}
		res = buyer.Get(page)
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, `data-testid="quote-take-up"`) || !strings.Contains(res.Body, "Druckerkonzept") {
			t.Fatal("the purchaser is not offered „Angebot annehmen und bestellen“")
		}
		take := url.Values{"_csrf": {buyer.CSRF}, "version": {strconv.FormatInt(q.Version, 10)}, "cost_centre": {"9999"},
			"delivery_address_id": {"new"}, "delivery_address": {"Kreishaus\nHaldensleben"}, "buyer_reference": {"PRJ-1"}}
		res = buyer.PostForm(page+"/request", take)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, "Die Kostenstelle „9999“ gibt es nicht.") || !strings.Contains(res.Body, "PRJ-1") {
			t.Error("422 lacks the cost centre error or the typed Bestellzeichen")
		}
		take.Set("cost_centre", "1100")
		res = buyer.PostForm(page+"/request", take)
		wantStatus(t, res, http.StatusSeeOther)
		got, err := qs.Get(ctx, sp, q.ID)
		if err != nil || got.TakenUpBy == nil || got.BuyerReference != "PRJ-1" || !strings.Contains(got.DeliveryAddress, "Kreishaus") || got.State != quote.StateSent {
			t.Fatalf("taken up: %v %+v", err, got)
		}
		if !strings.Contains(approver.Get(page).Body, `data-testid="step-accept"`) {
			t.Error("the approver is not offered to accept once it was taken up")
		}
	})
}
