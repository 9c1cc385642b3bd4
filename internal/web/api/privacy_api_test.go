package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/privacy"
	"coopshop/internal/webtest"
)

// TestPrivacyAPI: the DSGVO export and pseudonymization of a user through
// the API (own member or admin, others 403/404, the version guarded), and
// the privacy notice (every user reads it, admin saves versions).
func TestPrivacyAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		if _, err := demo.SeedWorkflow(t.Context(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales}); err != nil {
			t.Fatal(err)
		}
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		user := func(email string) *account.User {
			u, err := account.UserByEmail(t.Context(), bdb, email)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		ka, buyer, auditor, admin := client("kaemmerei@boerde.example"), client("einkauf@boerde.example"), client("revision@kid.example"), client("admin@kid.example")
		g, other, self := user("genehmigung@boerde.example"), user("einkauf@weissenfels.example"), user("kaemmerei@boerde.example")
		export := func(u *account.User) string { return fmt.Sprintf("/api/v1/users/%d/export", u.ID) }
		pseudo := func(u *account.User) string { return fmt.Sprintf("/api/v1/users/%d/pseudonymize", u.ID) }

		res := ka.Get(export(g))
		orderWantStatus(t, res, 200, "member admin exports an own user")
		var ex struct {
			Profile struct {
				Email string
				Name  string
			}
			Roles     []string
			Approvals []struct {
				OrderNumber string `json:"order_number"`
				As          string
			}
		}
		res.JSON(t, &ex)
		if ex.Profile.Email != g.Email || len(ex.Roles) == 0 || len(ex.Approvals) == 0 {
			t.Fatalf("export %+v", ex)
		}
		orderWantStatus(t, ka.Get(export(other)), 404, "member admin exports another member's user")
		orderWantStatus(t, buyer.Get(export(g)), 403, "purchaser exports")
		orderWantStatus(t, auditor.Get(export(g)), 403, "auditor exports")
		orderWantStatus(t, admin.Get(export(other)), 200, "admin exports anyone")
		orderWantStatus(t, admin.Get("/api/v1/users/999999/export"), 404, "unknown user")

		orderWantStatus(t, buyer.JSON("POST", pseudo(g), map[string]any{"version": g.Version}), 403, "purchaser pseudonymizes")
		orderWantStatus(t, ka.JSON("POST", pseudo(self), map[string]any{"version": self.Version}), 403, "oneself")
		orderWantStatus(t, ka.JSON("POST", pseudo(other), map[string]any{"version": other.Version}), 404, "another member's user")
		orderWantStatus(t, ka.JSON("POST", pseudo(g), map[string]any{"version": g.Version + 1}), 409, "stale version")
		orderWantStatus(t, ka.JSON("POST", pseudo(g), map[string]any{"version": g.Version, "name": "x"}), 422, "unknown field")
		approver := client("genehmigung@boerde.example")
		orderWantStatus(t, approver.Get("/api/v1/me"), 200, "approver before")
		res = ka.JSON("POST", pseudo(g), map[string]any{"version": g.Version})
		orderWantStatus(t, res, 200, "pseudonymize")
		var out struct {
			Pseudonym string
			Email     string
			Version   int64
		}
		res.JSON(t, &out)
		if out.Pseudonym != privacy.PseudonymName(g.ID) || out.Email != privacy.PseudonymEmail(g.ID) || out.Version != g.Version+1 {
			t.Fatalf("result %+v", out)
		}
		orderWantStatus(t, approver.Get("/api/v1/me"), 401, "the approver's token ended")
		orderWantStatus(t, ka.JSON("POST", pseudo(g), map[string]any{"version": out.Version}), 409, "twice")
		// The approval history names the pseudonym.
		if len(ex.Approvals) > 0 {
			var orders struct {
				Items []struct {
					ID     int64
					Number string
				}
			}
			admin.Get("/api/v1/orders?limit=100").JSON(t, &orders)
			for _, o := range orders.Items {
				if o.Number != ex.Approvals[0].OrderNumber {
					continue
				}
				body := admin.Get(fmt.Sprintf("/api/v1/orders/%d", o.ID)).Body
				if !strings.Contains(body, privacy.PseudonymName(g.ID)) || strings.Contains(body, ex.Profile.Name) {
					t.Errorf("order %s after pseudonymization: %.600s", o.Number, body)
				}
			}
		}

		// The privacy notice.
		res = buyer.Get("/api/v1/privacy")
		orderWantStatus(t, res, 200, "purchaser reads the notice")
		var n struct {
			Version  int64
			Sections []privacy.Section
		}
		res.JSON(t, &n)
		if n.Version != 0 || len(n.Sections) == 0 {
			t.Fatalf("notice %+v", n)
		}
		changed := n.Sections[0]
		changed.Text = "Verantwortlich ist die KID Magdeburg GmbH."
		body := map[string]any{"version": 0, "sections": []privacy.Section{changed}}
		orderWantStatus(t, buyer.JSON("PUT", "/api/v1/privacy", body), 403, "purchaser edits the notice")
		orderWantStatus(t, admin.JSON("PUT", "/api/v1/privacy", map[string]any{"sections": []privacy.Section{changed}}), 422, "without version")
		orderWantStatus(t, admin.JSON("PUT", "/api/v1/privacy", map[string]any{"version": 0, "sections": []privacy.Section{{Key: "neu", Title: "x", Text: "y"}}}), 422, "unknown section")
		res = admin.JSON("PUT", "/api/v1/privacy", body)
		orderWantStatus(t, res, 200, "admin saves")
		res.JSON(t, &n)
		if n.Version != 1 || n.Sections[0].Text != changed.Text {
			t.Fatalf("saved %+v", n)
		}
		orderWantStatus(t, admin.JSON("PUT", "/api/v1/privacy", body), 409, "stale notice")
		res = buyer.Get("/api/v1/privacy")
		res.JSON(t, &n)
		if n.Version != 1 || n.Sections[0].Text != changed.Text {
			t.Fatalf("read after save %+v", n)
		}
	})
}
