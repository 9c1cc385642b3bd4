package ui_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/document/pdftext"
	"coopshop/internal/order"
	"coopshop/internal/webtest"
)

// TestEveryDocumentHasTheLegalFooter: quotation, order request, order
// confirmation and delivery note print the provider's legal data (name,
// address, register, VAT ID, bank) like the invoice (issue 13).
func TestEveryDocumentHasTheLegalFooter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		o := demoPartlyDelivered(t, a)
		var d order.Delivery
		if err := bdb.NewSelect().Model(&d).Where("order_id = ?", o.ID).OrderExpr("id").Limit(1).Scan(t.Context()); err != nil {
			t.Fatal(err)
		}
		buyer := webtest.NewClient(t, a)
		buyer.Login("kaemmerei@boerde.example")
		base := fmt.Sprintf("/orders/%d", o.ID)
		paths := []string{base + "/documents/request", base + "/documents/confirmation", fmt.Sprintf("%s/deliveries/%d/pdf", base, d.ID)}
		quotes := buyer.Get("/quotes")
		if m := regexp.MustCompile(`href="(/quotes/\d+)"`).FindStringSubmatch(quotes.Body); m != nil {
			paths = append(paths, m[1]+"/pdf")
		} else {
			t.Error("no quotation to check")
		}
		invoices := buyer.Get("/invoices")
		if m := regexp.MustCompile(`href="(/invoices/\d+)"`).FindStringSubmatch(invoices.Body); m != nil {
			paths = append(paths, m[1]+"/pdf")
		}
		for _, path := range paths {
			res := buyer.Get(path)
			wantStatus(t, res, 200)
			text := strings.Join(pdftext.Pages(t, []byte(res.Body)), "\n")
			for _, want := range []string{"USt-IdNr. DE814273915", "Amtsgericht Stendal HRB 28417", "IBAN DE02 1203 0000 0000 2020 51", "BIC "} {
				if !strings.Contains(text, want) {
					t.Errorf("%s lacks %q in its footer", path, want)
				}
			}
		}
	})
}
