package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

// editorForm is the editor's form of a draft as the page shows it, with
// the docking station at 15 %, the service at 95,00 € and one free line.
func editorForm(t *testing.T, f *ordertest.Fixture, q *quote.Quote, csrf string) url.Values {
	t.Helper()
	form := url.Values{"_csrf": {csrf}, "version": {fmt.Sprint(q.Version)}, "valid_until": {q.ValidUntil.German()},
		"payment_terms": {q.PaymentTerms}, "delivery_terms": {q.DeliveryTerms}, "note": {"Gern auch früher."}}
	for _, l := range q.Lines {
		price, discount := fmt.Sprintf("%d,%02d", l.UnitPriceCents/100, l.UnitPriceCents%100), "0"
		switch l.SKU {
		case "T-SRV":
			price = "95,00"
		case "T-DOCK":
			discount = "15"
		}
		form.Add("line_product", fmt.Sprint(*l.ProductID))
		form.Add("line_description", l.Description)
		form.Add("line_quantity", fmt.Sprint(l.Quantity))
		form.Add("line_unit", l.Unit)
		form.Add("line_price", price)
		form.Add("line_discount", discount)
		form.Add("line_vat", fmt.Sprint(l.VATPercent))
	}
	for _, free := range [][2]string{{"Installation und Einweisung vor Ort", "450,00"}, {"", ""}} {
		form.Add("line_product", "")
		form.Add("line_description", free[0])
		form.Add("line_quantity", "1")
		form.Add("line_unit", "pauschal")
		form.Add("line_price", free[1])
		form.Add("line_discount", "0")
		form.Add("line_vat", "19")
	}
	return form
}

// TestQuotePages walks the HTML pages without JavaScript: sales
// recalculates (nothing stored), saves, submits; the sales lead approves;
// sales sends; the member answers on its page.
func TestQuotePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		qs := quotetest.Service(f)
		o, q := quotetest.Quoting(t, f, qs)
		page := fmt.Sprintf("/quotes/%d", q.ID)
		login := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Login(email)
			return c
		}
		sales := login("vertrieb@kid.example")

		res := sales.Get(page)
		wantStatus(t, res, 200)
		for _, want := range []string{`data-quote-editor`, `name="line_price"`, "Test-Vor-Ort-Einrichtung", "Neu berechnen", "quote_editor.js", "Entwurf"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("editor lacks %q", want)
			}
		}
		list := sales.Get("/quotes")
		wantStatus(t, list, 200)
		if !strings.Contains(list.Body, q.Number+" v1") || !strings.Contains(list.Body, "Landkreis Börde") {
			t.Error("the list lacks the draft")
		}

		// „Neu berechnen“ shows the server's figures and stores nothing.
		form := editorForm(t, f, q, sales.CSRF)
		form.Set("action", "recalc")
		res = sales.PostForm(page, form)
		wantStatus(t, res, 200)
		for _, want := range []string{"3.052,24 €", "2.593,65 €", "438,64 €", "Neu berechnet", "Freigabe durch die Vertriebsleitung nötig", "Gern auch früher."} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("recalculated page lacks %q", want)
			}
		}
		if after, _ := qs.Get(t.Context(), f.P(t, "vertrieb@kid.example"), q.ID); after.Version != q.Version {
			t.Fatal("recalculation stored the draft")
		}

		// A price that is no amount: back to the page (redirect after
		// POST), the typed text stays.
		bad := editorForm(t, f, q, sales.CSRF)
		bad["line_price"][0] = "zwölf"
		res = postFailing(t, sales, page, bad)
		if !strings.Contains(res.Body, `value="zwölf"`) || !strings.Contains(res.Body, "Bitte einen Betrag wie 1.234,56 angeben.") {
			t.Error("the form lost the typed price or its message")
		}

		form.Set("action", "save")
		res = sales.PostForm(page, form)
		wantStatus(t, res, http.StatusSeeOther)
		res = sales.Get(page)
		if !strings.Contains(res.Body, "ist gespeichert") || !strings.Contains(res.Body, "3.052,24 €") {
			t.Fatal("saved draft not shown")
		}
		q, _ = qs.Get(t.Context(), f.P(t, "vertrieb@kid.example"), q.ID)
		if q.GrossCents != 305224 || len(q.Lines) != 4 || q.Note != "Gern auch früher." {
			t.Fatalf("stored gross %d lines %d note %q", q.GrossCents, len(q.Lines), q.Note)
		}

		step := func(c *webtest.Client, name string, form url.Values, status int) webtest.Response {
			t.Helper()
			cur, _ := qs.Get(t.Context(), f.P(t, "vertrieb@kid.example"), q.ID)
			if form == nil {
				form = url.Values{}
			}
			form.Set("version", fmt.Sprint(cur.Version))
			if status == http.StatusUnprocessableEntity {
				// a refused step: redirect after POST to the page that
				// shows why
				return postFailing(t, c, page+"/"+name, form)
			}
			res := c.PostForm(page+"/"+name, form)
			wantStatus(t, res, status)
			return res
		}
		step(sales, "submit", nil, http.StatusSeeOther)
		res = sales.Get(page)
		if !strings.Contains(res.Body, "zur Freigabe vor") || strings.Contains(res.Body, `data-testid="step-approve"`) {
			t.Error("after submit: no notice, or sales offered the approval")
		}
		lead := login("vertriebsleitung@kid.example")
		lead.Get(page)
		step(lead, "approve", nil, http.StatusSeeOther)
		sales.Get(page)
		step(sales, "send", nil, http.StatusSeeOther)

		// The member's page: no editor, the answers, the stored PDF.
		buyer := login("einkauf@boerde.example")
		res = buyer.Get(page)
		wantStatus(t, res, 200)
		for _, want := range []string{`data-testid="step-reject"`, `data-testid="step-revise"`, `data-testid="member-approvals"`, "wartet auf Annahme",
			"3.052,24 €", "Installation und Einweisung vor Ort", "/quotes/" + fmt.Sprint(q.ID) + "/pdf"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("member page lacks %q", want)
			}
		}
		// Accepting is the approver's (stage 1 of Börde's rules): the
		// purchaser gets no button, and a form sent anyway is refused.
		if strings.Contains(res.Body, `data-testid="step-accept"`) {
			t.Error("the purchaser is offered to accept")
		}
		step(buyer, "accept", nil, http.StatusForbidden)
		approver := login("genehmigung@boerde.example")
		if res := approver.Get(page); !strings.Contains(res.Body, `data-testid="step-accept"`) {
			t.Error("the approver is not offered to accept")
		}
		if res := approver.Get("/inbox"); !strings.Contains(res.Body, `data-testid="inbox-quotes"`) || !strings.Contains(res.Body, q.Number+" v1") {
			t.Error("the approver's inbox lacks the quotation")
		}
		if strings.Contains(res.Body, "data-quote-editor") || strings.Contains(res.Body, "Änderungsprotokoll") {
			t.Error("the member sees the editor or the internal trail link")
		}
		pdf := buyer.Get(page + "/pdf")
		wantStatus(t, pdf, 200)
		if !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Error("no PDF")
		}
		// Rejecting without a reason keeps the page with the message.
		res = step(buyer, "reject", url.Values{"comment": {"  "}}, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, "Bitte begründen Sie die Ablehnung.") {
			t.Error("no message for the missing reason")
		}
		step(buyer, "revise", url.Values{"comment": {"Bitte ohne Installation."}}, http.StatusSeeOther)
		res = buyer.Get(page)
		if !strings.Contains(res.Body, "Überarbeitung angefordert") || !strings.Contains(res.Body, "Bitte ohne Installation.") {
			t.Error("member page after the revision request")
		}
		// Sales sees the new version in the list; the member does not yet.
		if l := sales.Get("/quotes"); !strings.Contains(l.Body, q.Number+" v2") {
			t.Error("sales list lacks v2")
		}
		if l := buyer.Get("/quotes"); strings.Contains(l.Body, q.Number+" v2") || !strings.Contains(l.Body, q.Number+" v1") {
			t.Error("member list shows the draft v2 or lacks v1")
		}
		// The order page links its documents and its quotation: the newest
		// version each may see.
		opage := fmt.Sprintf("/orders/%d", o.ID)
		if res := buyer.Get(opage); !strings.Contains(res.Body, opage+"/pdf") || !strings.Contains(res.Body, opage+"/quote") {
			t.Error("order page lacks the document or quotation link")
		}
		if res := buyer.Get(opage + "/quote"); res.Status != http.StatusSeeOther || res.Location() != page {
			t.Errorf("member's quotation link: %d %s, want %s", res.Status, res.Location(), page)
		}
		v2, _ := quote.LatestIDForOrder(t.Context(), bdb, o.ID, false)
		if res := sales.Get(opage + "/quote"); res.Location() != fmt.Sprintf("/quotes/%d", v2) || v2 == q.ID {
			t.Errorf("sales' quotation link: %s, want v2 %d", res.Location(), v2)
		}
		if res := buyer.Get(opage + "/pdf"); res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF-") {
			t.Errorf("order request PDF: %d", res.Status)
		}
		// Another member: 404.
		wantStatus(t, login("einkauf@weissenfels.example").Get(page), http.StatusNotFound)
	})
}
