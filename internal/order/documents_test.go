package order_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/document"
	"coopshop/internal/document/pdftext"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// TestOrderDocuments: every delivery issues its delivery note with the
// serial numbers, stored with its SHA-256 and byte-identical on every
// download; the request stays downloadable after the confirmation under
// its own file name; the order lists all of them.
func TestOrderDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		sales, buyer := f.P(t, "vertrieb@kid.example"), f.P(t, "einkauf@weissenfels.example")
		o := f.Submit(t, "einkauf@weissenfels.example", map[string]int64{"T-NB": 3, "T-MON": 2})
		o, err := f.Orders.Approve(ctx, f.P(t, "genehmigung@weissenfels.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, "")

		// Before the confirmation: only the request.
		docs, err := f.Orders.Documents(ctx, buyer, o.ID)
		ordertest.WantCode(t, err, "")
		if len(docs) != 1 || docs[0].Kind != document.KindOrderRequest || docs[0].FileName != o.Number+"-Anforderung.pdf" {
			t.Fatalf("documents before confirmation: %+v", docs)
		}
		_, err = f.Orders.ConfirmationPDF(ctx, buyer, o.ID)
		ordertest.WantCode(t, err, apperr.NotFound)

		o, err = f.Orders.Confirm(ctx, sales, o.ID, o.Version)
		ordertest.WantCode(t, err, "")
		// Listed while its job has not stored it yet.
		docs, err = f.Orders.Documents(ctx, buyer, o.ID)
		ordertest.WantCode(t, err, "")
		if len(docs) != 2 || docs[1].Kind != document.KindOrderConfirmation || docs[1].FileName != o.Number+".pdf" || docs[1].Date.IsZero() {
			t.Fatalf("documents after confirmation: %+v", docs)
		}
		nb, mon := o.LineFor(f.Products["T-NB"].ID), o.LineFor(f.Products["T-MON"].ID)
		o, err = f.Orders.Deliver(ctx, sales, o.ID, o.Version, order.DeliveryInput{Note: "Rest folgt.", Lines: []order.DeliveryLineInput{
			{LineNo: nb.LineNo, Quantity: 2, Serials: []string{"SN-NB-0001", "SN-NB-0002"}}, {LineNo: mon.LineNo, Quantity: 2}}})
		ordertest.WantCode(t, err, "")
		o, err = f.Orders.Deliver(ctx, sales, o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{
			{LineNo: nb.LineNo, Quantity: 1, Serials: []string{"SN-NB-0003"}}}})
		ordertest.WantCode(t, err, "")
		if o.State != order.StateDelivered || len(o.Deliveries) != 2 {
			t.Fatalf("state %s, %d deliveries", o.State, len(o.Deliveries))
		}
		d1, d2 := o.Deliveries[0], o.Deliveries[1]

		// The first download stores the note (its job has not run); the
		// job then finds it stored, and every download gives the same bytes.
		n1, err := f.Orders.DeliveryNote(ctx, buyer, o.ID, d1.ID)
		ordertest.WantCode(t, err, "")
		if _, err := f.Jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		again, err := f.Orders.DeliveryNote(ctx, sales, o.ID, d1.ID)
		ordertest.WantCode(t, err, "")
		st, err := document.Get(ctx, bdb, order.DocumentEntity, o.ID, document.KindDeliveryNote, 1)
		ordertest.WantCode(t, err, "")
		if !n1.Issued || !bytes.Equal(n1.Bytes, again.Bytes) || n1.SHA256 != document.Checksum(n1.Bytes) || st.SHA256 != n1.SHA256 {
			t.Fatal("delivery note not stored byte-identically with its checksum")
		}
		if want := o.Number + "-L1.pdf"; n1.Name != want || st.Number != o.Number+"-L1" {
			t.Errorf("delivery note %s (%s), want %s", n1.Name, st.Number, want)
		}
		page := strings.Join(pdftext.Pages(t, n1.Bytes), "\f")
		pdftext.Contains(t, "delivery note 1", page, "Lieferschein "+o.Number+"-L1", "Lieferschein-Nr.", "Stadt Weißenfels",
			"Test-Notebook 14\"", "Test-Monitor 27\"", "Seriennummern: SN-NB-0001, SN-NB-0002", "Noch nicht geliefert: 1 × Test-Notebook",
			"Hinweis: Rest folgt.", "T-NB", "T-MON")
		if strings.Contains(page, "Gesamtbetrag") || strings.Contains(page, "849,00") {
			t.Errorf("a delivery note prints prices:\n%s", page)
		}
		n2, err := f.Orders.DeliveryNote(ctx, buyer, o.ID, d2.ID)
		ordertest.WantCode(t, err, "")
		page = strings.Join(pdftext.Pages(t, n2.Bytes), "\f")
		pdftext.Contains(t, "delivery note 2", page, "Lieferschein "+o.Number+"-L2", "Seriennummern: SN-NB-0003", "vollständig geliefert")

		// The request after the confirmation, under its own name; the
		// confirmation keeps the order number's.
		req, err := f.Orders.RequestPDF(ctx, buyer, o.ID)
		ordertest.WantCode(t, err, "")
		conf, err := f.Orders.ConfirmationPDF(ctx, buyer, o.ID)
		ordertest.WantCode(t, err, "")
		if req.Issued || req.Name != o.Number+"-Anforderung.pdf" || !conf.Issued || conf.Name != o.Number+".pdf" {
			t.Errorf("request %s (issued %v), confirmation %s (issued %v)", req.Name, req.Issued, conf.Name, conf.Issued)
		}
		pdftext.Contains(t, "request", strings.Join(pdftext.Pages(t, req.Bytes), "\f"), "Bestellanforderung "+o.Number)
		pdftext.Contains(t, "confirmation", strings.Join(pdftext.Pages(t, conf.Bytes), "\f"), "Auftragsbestätigung "+o.Number)

		docs, err = f.Orders.Documents(ctx, buyer, o.ID)
		ordertest.WantCode(t, err, "")
		var got []string
		names := map[string]bool{}
		for _, d := range docs {
			got = append(got, string(d.Kind)+" "+d.FileName)
			names[d.FileName] = true
		}
		want := []string{"Bestellanforderung " + o.Number + "-Anforderung.pdf", "Auftragsbestätigung " + o.Number + ".pdf",
			"Lieferschein " + o.Number + "-L1.pdf", "Lieferschein " + o.Number + "-L2.pdf"}
		if strings.Join(got, "|") != strings.Join(want, "|") || len(names) != len(docs) {
			t.Fatalf("documents %q, want %q", got, want)
		}
		if docs[2].DeliveryID != d1.ID || docs[3].DeliveryID != d2.ID || docs[2].Date.IsZero() || docs[0].Date.IsZero() {
			t.Errorf("delivery note entries %+v", docs[2:])
		}

		// Another member's order is a 404, and so is a delivery of another order.
		other := f.P(t, "einkauf@boerde.example")
		for name, err := range map[string]error{
			"documents": func() error { _, err := f.Orders.Documents(ctx, other, o.ID); return err }(),
			"note":      func() error { _, err := f.Orders.DeliveryNote(ctx, other, o.ID, d1.ID); return err }(),
			"request":   func() error { _, err := f.Orders.RequestPDF(ctx, other, o.ID); return err }(),
		} {
			if apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s of another member: %v", name, err)
			}
		}
		b := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 1})
		_, err = f.Orders.DeliveryNote(ctx, sales, b.ID, d1.ID)
		ordertest.WantCode(t, err, apperr.NotFound)
	})
}
