package api_test

import (
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// TestMemberAdministrationAPI: users created and changed by the member
// admin, nobody changes their own limit, and a deputy named through the
// API decides stage 2 of a chain the Kämmerei cannot finish (demo
// BA-2026-000010), shown as on_behalf_of in approvals[].
func TestMemberAdministrationAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		ka, buyer := client("kaemmerei@boerde.example"), client("einkauf@boerde.example")
		user := func(email string) *account.User {
			u, err := account.UserByEmail(t.Context(), bdb, email)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		self, g := user("kaemmerei@boerde.example"), user("genehmigung@boerde.example")

		newUser := map[string]any{"email": "neu@boerde.example", "name": "Nora Neu", "organisation_id": self.OrgID, "roles": []string{"purchaser"}, "approval_limit_cents": nil}
		orderWantStatus(t, buyer.JSON("POST", "/api/v1/users", newUser), 403, "purchaser creates a user")
		orderWantStatus(t, ka.JSON("POST", "/api/v1/users", map[string]any{"email": "x@boerde.example", "name": "X", "organisation_id": self.OrgID, "password": "x"}), 422, "unknown field")
		res := ka.JSON("POST", "/api/v1/users", newUser)
		orderWantStatus(t, res, 201, "create")
		var created struct {
			ID     int64
			Email  string
			Roles  []string
			Active bool
		}
		res.JSON(t, &created)
		if created.Email != "neu@boerde.example" || len(created.Roles) != 1 || !created.Active {
			t.Fatalf("created %+v", created)
		}

		me := fmt.Sprintf("/api/v1/users/%d", self.ID)
		orderWantStatus(t, ka.JSON("PATCH", me, map[string]any{"version": self.Version, "approval_limit_cents": 100}), 403, "own limit")
		orderWantStatus(t, ka.JSON("PATCH", fmt.Sprintf("/api/v1/users/%d", g.ID), map[string]any{"approval_limit_cents": 100}), 422, "no version")
		res = ka.JSON("PATCH", fmt.Sprintf("/api/v1/users/%d", g.ID), map[string]any{"version": g.Version, "approval_limit_cents": 3000000})
		orderWantStatus(t, res, 200, "limit")
		var changed struct {
			ApprovalLimitCents *int64 `json:"approval_limit_cents"`
			Version            int64
		}
		res.JSON(t, &changed)
		if changed.ApprovalLimitCents == nil || *changed.ApprovalLimitCents != 3000000 || changed.Version != g.Version+1 {
			t.Fatalf("changed %+v", changed)
		}
		orderWantStatus(t, ka.JSON("PATCH", fmt.Sprintf("/api/v1/users/%d", g.ID), map[string]any{"version": g.Version, "name": "X"}), 409, "stale")

		// A large order: the Kämmerei decides stage 1 and may not decide
		// stage 2; her deputy may.
		nb := f.Products["T-NB"].ID
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", nb), map[string]int{"quantity": 30}), 200, "cart")
		res = orderPostWithKey(t, a, buyer.Bearer, "/api/v1/orders", "members-1", map[string]any{"cost_centre": "1100", "delivery_address": "Gerikestraße 104\n39340 Haldensleben", "reason": "Schulung"})
		orderWantStatus(t, res, 201, "submit")
		var o apiOrderBody
		res.JSON(t, &o)
		path := fmt.Sprintf("/api/v1/orders/%d", o.ID)
		orderWantStatus(t, ka.JSON("POST", path+"/approve", map[string]any{"version": o.Version}), 200, "stage 1")
		orderWantStatus(t, ka.JSON("POST", path+"/approve", map[string]any{"version": o.Version + 1}), 403, "stage 2 by the same person")

		al := user("amtsleitung@boerde.example")
		orderWantStatus(t, buyer.JSON("PUT", "/api/v1/me/deputy", map[string]any{"deputy_user_id": al.ID, "from": "2026-11-22", "to": "2026-11-30"}), 403, "purchaser names a deputy")
		orderWantStatus(t, ka.JSON("PUT", "/api/v1/me/deputy", map[string]any{"deputy_user_id": user("genehmigung@weissenfels.example").ID, "from": "2026-11-22", "to": "2026-11-30"}), 422, "deputy of another member")
		orderWantStatus(t, ka.JSON("PUT", fmt.Sprintf("/api/v1/users/%d/deputy", user("genehmigung@weissenfels.example").ID), map[string]any{"deputy_user_id": al.ID, "from": "2026-11-22", "to": "2026-11-30"}), 404, "another member's user")
		orderWantStatus(t, ka.JSON("PUT", "/api/v1/me/deputy", map[string]any{"deputy_user_id": al.ID, "from": "2026-11-22", "to": "2026-11-30"}), 200, "name deputy")

		res = client("amtsleitung@boerde.example").JSON("POST", path+"/approve", map[string]any{"version": o.Version + 1, "comment": "In Vertretung der Kämmerei."})
		orderWantStatus(t, res, 200, "deputy decides stage 2")
		var done struct {
			State     string
			Approvals []struct {
				Stage      int
				DecidedBy  *struct{ ID int64 } `json:"decided_by"`
				OnBehalfOf *struct {
					ID   int64
					Name string
				} `json:"on_behalf_of"`
			}
		}
		res.JSON(t, &done)
		if done.State != "approved" || len(done.Approvals) != 2 || done.Approvals[0].OnBehalfOf != nil ||
			done.Approvals[1].OnBehalfOf == nil || done.Approvals[1].OnBehalfOf.ID != self.ID || done.Approvals[1].DecidedBy.ID != al.ID {
			t.Fatalf("approvals %+v", done)
		}
		orderWantStatus(t, ka.JSON("DELETE", "/api/v1/me/deputy", nil), 204, "end deputy")
	})
}
