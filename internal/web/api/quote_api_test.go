package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

type apiQuote struct {
	ID            int64  `json:"id"`
	Number        string `json:"number"`
	VersionNo     int    `json:"version_no"`
	State         string `json:"state"`
	Version       int64  `json:"version"`
	NetCents      int64  `json:"net_cents"`
	VATCents      int64  `json:"vat_cents"`
	GrossCents    int64  `json:"gross_cents"`
	NeedsApproval bool   `json:"needs_approval"`
	ValidUntil    string `json:"valid_until"`
	Lines         []struct {
		ProductID       *int64  `json:"product_id"`
		SKU             string  `json:"sku"`
		Description     string  `json:"description"`
		Quantity        int64   `json:"quantity"`
		Unit            string  `json:"unit"`
		UnitPriceCents  int64   `json:"unit_price_cents"`
		DiscountPercent float64 `json:"discount_percent"`
		VATPercent      int64   `json:"vat_percent"`
		NetCents        int64   `json:"net_cents"`
	} `json:"lines"`
	Steps              []string `json:"steps"`
	OrderID            int64    `json:"order_id"`
	ApprovalGrossCents int64    `json:"approval_gross_cents"`
	MemberApprovals    []struct {
		Stage     int    `json:"stage"`
		Role      string `json:"role"`
		State     string `json:"state"`
		Current   bool   `json:"current"`
		DecidedBy *struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"decided_by"`
		Comment string `json:"comment"`
	} `json:"member_approvals"`
}

func wantStatus(t *testing.T, res webtest.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
}

// TestQuoteAPI drives a quotation through the JSON API: sales edits,
// submits, the sales lead approves, sales sends, the member downloads the
// stored PDF and accepts; the order's confirmation is served from the
// store, byte-identical, with its SHA-256 as ETag.
func TestQuoteAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		o, q := quotetest.Quoting(t, f, quotetest.Service(f))
		as := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Token(email)
			return c
		}
		sales, lead, buyer := as("vertrieb@kid.example"), as("vertriebsleitung@kid.example"), as("einkauf@boerde.example")
		approver := as("genehmigung@boerde.example")
		path := fmt.Sprintf("/api/v1/quotes/%d", q.ID)

		var got apiQuote
		res := sales.Get(path)
		wantStatus(t, res, 200)
		res.JSON(t, &got)
		if got.State != "draft" || got.VersionNo != 1 || len(got.Lines) != 3 || !strings.HasPrefix(got.Number, "AN-") {
			t.Fatalf("draft %+v", got)
		}
		wantStatus(t, buyer.Get(path), http.StatusNotFound)
		wantStatus(t, buyer.Get(path+"/pdf"), http.StatusNotFound)
		// The order list carries quote_id per order: the draft for sales,
		// nothing yet for the member.
		listQuoteID := func(c *webtest.Client) *int64 {
			var l struct {
				Items []struct {
					ID      int64  `json:"id"`
					QuoteID *int64 `json:"quote_id"`
				}
			}
			c.Get("/api/v1/orders?state=quoting").JSON(t, &l)
			for _, it := range l.Items {
				if it.ID == o.ID {
					return it.QuoteID
				}
			}
			t.Fatalf("order %d not in the list", o.ID)
			return nil
		}
		if id := listQuoteID(sales); id == nil || *id != q.ID {
			t.Errorf("sales' order list: quote_id %v, want %d", id, q.ID)
		}
		if id := listQuoteID(buyer); id != nil {
			t.Errorf("member's order list shows the draft %d", *id)
		}
		draftPDF := sales.Get(path + "/pdf")
		wantStatus(t, draftPDF, 200)
		if !strings.HasPrefix(draftPDF.Body, "%PDF-") || draftPDF.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("draft preview %q", draftPDF.Header.Get("Content-Type"))
		}

		// Edit: prices, a 15 % discount, a free line.
		var lines []map[string]any
		for _, l := range got.Lines {
			m := map[string]any{"product_id": l.ProductID, "quantity": l.Quantity, "unit_price_cents": l.UnitPriceCents, "discount_percent": 0}
			switch l.SKU {
			case "T-SRV":
				m["unit_price_cents"] = 9500
			case "T-DOCK":
				m["discount_percent"] = 15
			}
			lines = append(lines, m)
		}
		lines = append(lines, map[string]any{"description": "Installation und Einweisung vor Ort", "quantity": 1, "unit": "pauschal",
			"unit_price_cents": 45000, "vat_percent": 19})
		wantStatus(t, sales.JSON("PATCH", path, map[string]any{"lines": lines}), http.StatusUnprocessableEntity) // no version
		wantStatus(t, sales.JSON("PATCH", path, map[string]any{"version": got.Version + 5, "lines": lines}), http.StatusConflict)
		bad := append([]map[string]any{}, lines...)
		bad[3] = map[string]any{"description": "x", "quantity": 1, "unit_price_cents": 1, "vat_percent": 19, "discount_percent": -1}
		res = sales.JSON("PATCH", path, map[string]any{"version": got.Version, "lines": bad})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, `"lines[3].discount_percent"`) {
			t.Errorf("422 body %s", res.Body)
		}
		wantStatus(t, buyer.JSON("PATCH", path, map[string]any{"version": got.Version, "lines": lines}), http.StatusForbidden)
		res = sales.JSON("PATCH", path, map[string]any{"version": got.Version, "lines": lines, "valid_until": got.ValidUntil, "note": "Wie besprochen."})
		wantStatus(t, res, 200)
		res.JSON(t, &got)
		if got.GrossCents != 305224 || !got.NeedsApproval || len(got.Lines) != 4 || got.Lines[3].ProductID != nil {
			t.Fatalf("after edit gross %d approval %v lines %d", got.GrossCents, got.NeedsApproval, len(got.Lines))
		}

		step := func(c *webtest.Client, name string, body map[string]any, status int) {
			t.Helper()
			res := c.JSON("POST", path+"/"+name, body)
			wantStatus(t, res, status)
			if status == 200 {
				res.JSON(t, &got)
			}
		}
		step(sales, "submit", map[string]any{"version": got.Version}, 200)
		if got.State != "submitted" {
			t.Fatalf("state %s", got.State)
		}
		step(sales, "approve", map[string]any{"version": got.Version}, http.StatusForbidden)
		step(sales, "send", map[string]any{"version": got.Version}, http.StatusConflict)
		step(lead, "approve", map[string]any{"version": got.Version, "comment": "ok"}, 200)
		step(approver, "accept", map[string]any{"version": got.Version}, http.StatusNotFound) // not sent: invisible
		step(sales, "send", map[string]any{"version": got.Version}, 200)
		if got.State != "sent" {
			t.Fatalf("state %s", got.State)
		}

		// The member sees it, with the answers offered, and downloads the
		// stored PDF: the same bytes, the SHA-256 as ETag, 304 on match.
		res = buyer.Get(path)
		wantStatus(t, res, 200)
		res.JSON(t, &got)
		// Accepting is the member's approval of the amount: the purchaser
		// answers otherwise, the approver of the open stage accepts.
		if strings.Join(got.Steps, ",") != "revise,reject" {
			t.Errorf("purchaser's steps %v", got.Steps)
		}
		if len(got.MemberApprovals) != 1 || got.MemberApprovals[0].Role != "approver" || got.MemberApprovals[0].State != "pending" ||
			!got.MemberApprovals[0].Current || got.MemberApprovals[0].DecidedBy != nil || got.ApprovalGrossCents != got.GrossCents {
			t.Errorf("member approvals %+v, approval amount %d", got.MemberApprovals, got.ApprovalGrossCents)
		}
		var mine struct {
			Items []apiQuote `json:"items"`
		}
		res = approver.Get("/api/v1/quotes?awaiting=me")
		wantStatus(t, res, 200)
		res.JSON(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0].ID != q.ID {
			t.Errorf("approver's quotes awaiting: %+v", mine.Items)
		}
		res = approver.Get(path)
		wantStatus(t, res, 200)
		res.JSON(t, &got)
		if strings.Join(got.Steps, ",") != "accept,revise,reject" {
			t.Errorf("approver's steps %v", got.Steps)
		}
		p1, p2 := buyer.Get(path+"/pdf"), sales.Get(path+"/pdf")
		wantStatus(t, p1, 200)
		sum := sha256.Sum256([]byte(p1.Body))
		if p1.Body != p2.Body || p1.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Fatalf("stored PDF differs or wrong ETag %s", p1.Header.Get("ETag"))
		}
		if cd := p1.Header.Get("Content-Disposition"); cd != `inline; filename="`+got.Number+`-v1.pdf"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		req := httptest.NewRequest("GET", path+"/pdf", nil)
		req.Header.Set("Authorization", "Bearer "+buyer.Bearer)
		req.Header.Set("If-None-Match", p1.Header.Get("ETag"))
		if r, err := a.Web.App.Test(req, -1); err != nil || r.StatusCode != http.StatusNotModified {
			t.Fatalf("If-None-Match: %v %v", r.StatusCode, err)
		}
		wf := as("einkauf@weissenfels.example")
		wantStatus(t, wf.Get(path), http.StatusNotFound)
		wantStatus(t, wf.Get(path+"/pdf"), http.StatusNotFound)

		var listed struct {
			Items []apiQuote `json:"items"`
		}
		res = buyer.Get(fmt.Sprintf("/api/v1/quotes?order_id=%d", o.ID))
		wantStatus(t, res, 200)
		res.JSON(t, &listed)
		if len(listed.Items) != 1 || listed.Items[0].ID != q.ID {
			t.Errorf("member list %+v", listed.Items)
		}
		res = wf.Get("/api/v1/quotes")
		wantStatus(t, res, 200)
		res.JSON(t, &listed)
		if len(listed.Items) != 0 {
			t.Errorf("Weißenfels lists %d quotes", len(listed.Items))
		}

		step(buyer, "reject", map[string]any{"version": got.Version}, http.StatusUnprocessableEntity) // no reason
		step(buyer, "accept", map[string]any{"version": got.Version, "comment": "Einverstanden."}, http.StatusForbidden)
		step(approver, "accept", map[string]any{"version": got.Version, "comment": "Einverstanden."}, 200)
		if got.State != "accepted" || len(got.MemberApprovals) != 1 || got.MemberApprovals[0].DecidedBy == nil ||
			got.MemberApprovals[0].DecidedBy.Name == "" || got.MemberApprovals[0].Comment != "Einverstanden." {
			t.Fatalf("state %s, member approvals %+v", got.State, got.MemberApprovals)
		}

		// The order is confirmed; its confirmation comes from the store.
		opath := fmt.Sprintf("/api/v1/orders/%d/pdf", o.ID)
		c1, c2 := buyer.Get(opath), sales.Get(opath)
		wantStatus(t, c1, 200)
		if c1.Body != c2.Body || c1.Header.Get("Content-Type") != "application/pdf" {
			t.Fatal("order confirmation not byte-identical")
		}
		if cd := c1.Header.Get("Content-Disposition"); cd != `inline; filename="`+o.Number+`.pdf"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		wantStatus(t, wf.Get(opath), http.StatusNotFound)

		res = sales.Get(path + "/versions")
		wantStatus(t, res, 200)
		res.JSON(t, &listed)
		if len(listed.Items) != 1 || listed.Items[0].State != "accepted" {
			t.Errorf("versions %+v", listed.Items)
		}
	})
}
