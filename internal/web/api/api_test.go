package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

// problemOf decodes a problem+json answer.
func problemOf(t *testing.T, r webtest.Response) (typ string, detail string) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, body %s", ct, r.Body)
	}
	var p struct{ Type, Detail string }
	r.JSON(t, &p)
	return p.Type, p.Detail
}

func TestAPIAuthAndBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		tests := []struct {
			name   string
			body   any
			status int
			typ    string
		}{
			{"right credentials", map[string]string{"email": "einkauf@boerde.example", "password": demo.Password}, 200, ""},
			{"wrong password", map[string]string{"email": "einkauf@boerde.example", "password": "nein-nein-nein"}, 401, "/problems/unauthorized"},
			{"unknown user", map[string]string{"email": "x@y.example", "password": demo.Password}, 401, "/problems/unauthorized"},
			{"malformed json", `{"email": "einkauf@boerde.example",`, 400, "/problems/malformed"},
			{"wrong type", `{"email": 5, "password": "x"}`, 400, "/problems/malformed"},
			{"oversized json", `{"email": "` + strings.Repeat("a", 2<<20) + `"}`, 400, "/problems/malformed"},
			{"missing fields", map[string]string{}, 422, "/problems/invalid"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := webtest.NewClient(t, a)
				res := c.JSON("POST", "/api/v1/auth/token", tt.body)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %.200s", res.Status, tt.status, res.Body)
				}
				if tt.typ != "" {
					if typ, _ := problemOf(t, res); typ != tt.typ {
						t.Fatalf("type %s, want %s", typ, tt.typ)
					}
				}
			})
		}
	})
}

func TestAPIEveryDemoLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		for _, l := range demo.Logins() {
			c := webtest.NewClient(t, a)
			c.Token(l.Email)
			var me struct {
				Email        string
				Roles        []string
				Organisation struct{ Name string }
			}
			res := c.Get("/api/v1/me")
			res.JSON(t, &me)
			if me.Email != l.Email || me.Organisation.Name != l.Org || strings.Join(me.Roles, ", ") != sortedRoles(l.Roles) {
				t.Errorf("%s: me = %+v", l.Email, me)
			}
		}
		// No token, a bad token: 401 problem.
		c := webtest.NewClient(t, a)
		if res := c.Get("/api/v1/me"); res.Status != 401 {
			t.Fatalf("no token: %d", res.Status)
		}
		c.Bearer = "nonsense"
		if res := c.Get("/api/v1/me"); res.Status != 401 {
			t.Fatalf("bad token: %d", res.Status)
		}
	})
}

func sortedRoles(s string) string {
	parts := strings.Split(s, ", ")
	for i := range parts {
		for j := i + 1; j < len(parts); j++ {
			if parts[j] < parts[i] {
				parts[i], parts[j] = parts[j], parts[i]
			}
		}
	}
	return strings.Join(parts, ", ")
}

func userID(t *testing.T, bdb *bun.DB, email string) *account.User {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), bdb, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestRoleManagement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		ctx := context.Background()
		foreign := userID(t, bdb, "einkauf@weissenfels.example")
		own := userID(t, bdb, "einkauf@boerde.example")

		// A member admin managing another member's user: 404, UI and API.
		kaem := webtest.NewClient(t, a)
		kaem.Login("kaemmerei@boerde.example")
		if res := kaem.Get(fmt.Sprintf("/admin/users/%d", foreign.ID)); res.Status != 404 {
			t.Fatalf("foreign user page: %d", res.Status)
		}
		kaem.Get("/admin/users")
		if res := kaem.PostForm(fmt.Sprintf("/admin/users/%d/roles", foreign.ID), map[string][]string{"version": {"1"}, "role": {"approver"}}); res.Status != 404 {
			t.Fatalf("foreign user roles: %d", res.Status)
		}
		api := webtest.NewClient(t, a)
		api.Token("kaemmerei@boerde.example")
		res := api.JSON("PUT", fmt.Sprintf("/api/v1/users/%d/roles", foreign.ID), map[string]any{"version": 1, "roles": []string{"approver"}})
		if res.Status != 404 {
			t.Fatalf("api foreign user roles: %d", res.Status)
		}
		// The member admin's user list holds only Börde.
		var users struct{ Items []struct{ Email string } }
		api.Get("/api/v1/users").JSON(t, &users)
		for _, u := range users.Items {
			if !strings.HasSuffix(u.Email, "@boerde.example") {
				t.Fatalf("member admin sees %s", u.Email)
			}
		}
		// Granting a provider role is refused and changes nothing.
		res = api.JSON("PUT", fmt.Sprintf("/api/v1/users/%d/roles", own.ID), map[string]any{"version": 1, "roles": []string{"purchaser", "admin"}})
		if res.Status != 422 {
			t.Fatalf("provider role for member: %d %s", res.Status, res.Body)
		}
		// Own user: allowed, audited, effective at once.
		res = api.JSON("PUT", fmt.Sprintf("/api/v1/users/%d/roles", own.ID), map[string]any{"version": 1, "roles": []string{"purchaser", "approver"}})
		if res.Status != 200 {
			t.Fatalf("own user roles: %d %s", res.Status, res.Body)
		}
		if roles := a.Authz.RolesOf(own.ID, own.OrgID); strings.Join(roles, ",") != "approver,purchaser" {
			t.Fatalf("roles now %v", roles)
		}
		// The same version again is stale: 409.
		res = api.JSON("PUT", fmt.Sprintf("/api/v1/users/%d/roles", own.ID), map[string]any{"version": 1, "roles": []string{"purchaser"}})
		if res.Status != 409 {
			t.Fatalf("stale version: %d", res.Status)
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "user", EntityID: own.ID})
		if err != nil {
			t.Fatal(err)
		}
		var detail map[string][]string
		if len(entries) == 0 || entries[0].Action != "user.roles" || json.Unmarshal([]byte(entries[0].Detail), &detail) != nil || len(detail["after"]) != 2 {
			t.Fatalf("audit = %+v", entries)
		}

		// The admin changes roles through the UI form.
		adm := webtest.NewClient(t, a)
		adm.Login("admin@kid.example")
		page := adm.Get(fmt.Sprintf("/admin/users/%d", foreign.ID))
		if page.Status != 200 || !strings.Contains(page.Body, "Rollen speichern") {
			t.Fatalf("admin user page: %d", page.Status)
		}
		res = adm.PostForm(fmt.Sprintf("/admin/users/%d/roles", foreign.ID), map[string][]string{"version": {regexpValue(page.Body, "version")}, "role": {"purchaser", "approver"}})
		if res.Status != 303 {
			t.Fatalf("admin roles form: %d %s", res.Status, res.Body)
		}
		if page := adm.Get(res.Location()); !strings.Contains(page.Body, "wurden gespeichert") {
			t.Fatal("no confirmation shown")
		}
		if roles := a.Authz.RolesOf(foreign.ID, foreign.OrgID); strings.Join(roles, ",") != "approver,purchaser" {
			t.Fatalf("roles now %v", roles)
		}
	})
}

func TestNavigationFollowsRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		tests := []struct {
			email   string
			see     []string
			notSee  []string
			forbids string
		}{
			{"admin@kid.example", []string{"Benutzer &amp; Rollen", "Berechtigungen", "Protokoll"}, nil, ""},
			{"einkauf@boerde.example", []string{"Protokoll"}, []string{"Benutzer &amp; Rollen", "Berechtigungen"}, "/admin/users"},
			{"katalog@kid.example", nil, []string{"Benutzer &amp; Rollen", "Protokoll"}, "/audit"},
		}
		for _, tt := range tests {
			c := webtest.NewClient(t, a)
			c.Login(tt.email)
			home := c.Get("/")
			for _, s := range tt.see {
				if !strings.Contains(home.Body, ">"+s+"<") {
					t.Errorf("%s does not see %s", tt.email, s)
				}
			}
			for _, s := range tt.notSee {
				if strings.Contains(home.Body, ">"+s+"<") {
					t.Errorf("%s sees %s", tt.email, s)
				}
			}
			if tt.forbids != "" {
				if res := c.Get(tt.forbids); res.Status != 403 || !strings.Contains(res.Body, "Berechtigung") {
					t.Errorf("%s GET %s: %d", tt.email, tt.forbids, res.Status)
				}
			}
		}
	})
}
