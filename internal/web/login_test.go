package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		tests := []struct {
			name, email, password string
			status                int
			contains              string
		}{
			{"right password", "einkauf@boerde.example", demo.Password, 303, ""},
			{"wrong password", "einkauf@boerde.example", "falsch-falsch", 401, "E-Mail-Adresse oder Passwort ist falsch."},
			{"unknown user, same answer", "niemand@boerde.example", demo.Password, 401, "E-Mail-Adresse oder Passwort ist falsch."},
			{"empty password", "einkauf@boerde.example", "", 422, "Bitte geben Sie E-Mail-Adresse und Passwort ein."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := webtest.NewClient(t, a)
				c.Get("/login")
				before := c.Cookies["coopshop_session"]
				res := c.PostForm("/login", url.Values{"email": {tt.email}, "password": {tt.password}})
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
				}
				if !strings.Contains(res.Body, tt.contains) {
					t.Fatalf("body lacks %q", tt.contains)
				}
				if tt.status == 303 {
					if c.Cookies["coopshop_session"] == before {
						t.Fatal("session id not rotated at login")
					}
					home := c.Get("/")
					if home.Status != 200 || !strings.Contains(home.Body, "Birgit Böhm") {
						t.Fatalf("home: %d", home.Status)
					}
				} else if !strings.Contains(res.Body, `value="`+tt.email+`"`) {
					t.Fatal("the typed e-mail address was not kept")
				}
			})
		}
	})
}

func TestLockoutAfterRepeatedFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		c := webtest.NewClient(t, a)
		c.Get("/login")
		for i := 0; i < a.Config.LockAfter; i++ {
			c.PostForm("/login", url.Values{"email": {"genehmigung@boerde.example"}, "password": {"falsch-falsch"}})
		}
		res := c.PostForm("/login", url.Values{"email": {"genehmigung@boerde.example"}, "password": {demo.Password}})
		if res.Status != 401 || !strings.Contains(res.Body, "gesperrt") {
			t.Fatalf("after %d failures the right password got %d: %s", a.Config.LockAfter, res.Status, res.Body)
		}
		u, err := account.UserByEmail(context.Background(), bdb, "genehmigung@boerde.example")
		if err != nil {
			t.Fatal(err)
		}
		if u.LockedUntil == nil || time.Until(*u.LockedUntil) < 10*time.Minute {
			t.Fatalf("locked until %v", u.LockedUntil)
		}
		// The API answers the same way.
		api := webtest.NewClient(t, a)
		r := api.JSON("POST", "/api/v1/auth/token", map[string]string{"email": "genehmigung@boerde.example", "password": demo.Password})
		if r.Status != 401 {
			t.Fatalf("api token for locked account: %d", r.Status)
		}
	})
}

func TestCSRF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		c := webtest.NewClient(t, a)
		c.Login("admin@kid.example")
		c.Get("/")
		tests := []struct {
			name  string
			token []string
		}{
			{"missing", nil},
			{"forged", []string{"forged-token"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				form := url.Values{}
				if tt.token != nil {
					form["_csrf"] = tt.token
				} else {
					form["_csrf"] = []string{""}
				}
				res := c.PostForm("/logout", form)
				if res.Status != 403 {
					t.Fatalf("status %d, want 403", res.Status)
				}
				if c.Get("/").Status != 200 {
					t.Fatal("the rejected logout ended the session")
				}
			})
		}
		// And with the right token it works.
		if res := c.PostForm("/logout", nil); res.Status != 303 {
			t.Fatalf("logout with token: %d", res.Status)
		}
		if res := c.Get("/"); res.Status != 303 {
			t.Fatalf("after logout: %d", res.Status)
		}
	})
}

func TestExpiredSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		c := webtest.NewClient(t, a)
		c.Login("admin@kid.example")
		c.Get("/admin/users")
		csrf := c.CSRF
		if _, err := bdb.NewUpdate().Model((*account.Session)(nil)).Set("expires_at = ?", webtest.Clock(a).Now().Add(-time.Minute)).Where("1 = 1").Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		// A page: back to the login, with the way back.
		res := c.Get("/admin/users")
		if res.Status != 303 || !strings.HasPrefix(res.Location(), "/login?next=%2Fadmin%2Fusers") {
			t.Fatalf("GET after expiry: %d %s", res.Status, res.Location())
		}
		// A form: the login page keeps what was typed, and after the new
		// login offers to send it again.
		res = c.PostForm("/admin/users/7/roles", url.Values{"_csrf": {csrf}, "version": {"1"}, "role": {"purchaser", "approver"}})
		if res.Status != 401 || !strings.Contains(res.Body, "Ihre Eingaben bleiben erhalten") || !strings.Contains(res.Body, `name="resume"`) {
			t.Fatalf("POST after expiry: %d %s", res.Status, res.Body)
		}
		resume := regexpValue(res.Body, "resume")
		res = c.PostForm("/login", url.Values{"email": {"admin@kid.example"}, "password": {demo.Password}, "next": {"/admin/users/7/roles"}, "resume": {resume}})
		if res.Status != 200 || !strings.Contains(res.Body, `action="/admin/users/7/roles"`) || !strings.Contains(res.Body, `value="approver"`) {
			t.Fatalf("after re-login: %d %s", res.Status, res.Body)
		}
	})
}
