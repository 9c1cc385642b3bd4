package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/webtest"
)

// TestInvoiceAuditTrail: the audit trail applies the invoice's visibility.
// A member reads the trail of its own invoice (issue, payments), another
// member's invoice and an unknown one are a 404, the auditor reads every
// one. Before the invoice kind was registered with the reader, the member
// got a 404 for its own invoice's trail.
func TestInvoiceAuditTrail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		ctx := context.Background()
		boerde := userID(t, bdb, "einkauf@boerde.example").OrgID
		var own, foreign invoice.Invoice
		if err := bdb.NewSelect().Model(&own).Where("organisation_id = ? AND kind = ?", boerde, invoice.KindInvoice).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
			t.Fatalf("Börde's invoice: %v", err)
		}
		if err := bdb.NewSelect().Model(&foreign).Where("organisation_id <> ?", boerde).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
			t.Fatalf("another member's invoice: %v", err)
		}
		client := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Token(email)
			return c
		}
		buyer, auditor := client("einkauf@boerde.example"), client("revision@kid.example")
		ownQ, foreignQ := fmt.Sprintf("?entity=invoice&id=%d", own.ID), fmt.Sprintf("?entity=invoice&id=%d", foreign.ID)
		tests := []struct {
			name   string
			c      *webtest.Client
			query  string
			status int
		}{
			{"member, own invoice", buyer, ownQ, 200},
			{"member, another member's invoice", buyer, foreignQ, 404},
			{"member, unknown invoice", buyer, "?entity=invoice&id=999999999", 404},
			{"auditor, own invoice", auditor, ownQ, 200},
			{"auditor, another member's invoice", auditor, foreignQ, 200},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := tc.c.Get("/api/v1/audit" + tc.query)
				wantStatus(t, res, tc.status)
				if tc.status != 200 {
					return
				}
				var l auditListJSON
				res.JSON(t, &l)
				var actions []string
				for _, e := range l.Items {
					actions = append(actions, e.Action)
				}
				if !strings.Contains(strings.Join(actions, " "), "invoice.issue") {
					t.Errorf("trail %v lacks invoice.issue", actions)
				}
			})
		}
		// A member's listing of its invoices' trail holds only its own.
		res := buyer.Get("/api/v1/audit?entity=invoice")
		wantStatus(t, res, 200)
		var l auditListJSON
		res.JSON(t, &l)
		if len(l.Items) == 0 {
			t.Errorf("member lists no invoice entry")
		}
		for _, e := range l.Items {
			if e.EntityID == foreign.ID {
				t.Errorf("member lists entry %d of another member's invoice", e.ID)
			}
		}
	})
}
