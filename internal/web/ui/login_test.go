package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/clock"
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

// TestLoginThrottle: repeated failures answer 429 with Retry-After on the
// login form and the token endpoint, the same for a known and an unknown
// account, and never lock the account.
func TestLoginThrottle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		clk := clock.NewManual(time.Now())
		a.Accounts.Clock = clk
		budget := a.Config.LoginFailuresPerAccount
		tests := []struct {
			name, email string
			api         bool
		}{
			{"form, known account", "genehmigung@boerde.example", false},
			{"form, unknown account", "niemand@boerde.example", false},
			{"api, known account", "vertrieb@kid.example", true},
			{"api, unknown account", "keiner@kid.example", true},
		}
		answers := map[string]string{}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := webtest.NewClient(t, a)
				c.Get("/login")
				try := func(pw string) webtest.Response {
					if tt.api {
						return c.JSON("POST", "/api/v1/auth/token", map[string]string{"email": tt.email, "password": pw})
					}
					return c.PostForm("/login", url.Values{"email": {tt.email}, "password": {pw}})
				}
				for i := range budget {
					if res := try("falsch-falsch"); res.Status != 401 || !strings.Contains(res.Body, "E-Mail-Adresse oder Passwort ist falsch.") {
						t.Fatalf("failure %d: %d %s", i+1, res.Status, res.Body)
					}
				}
				res := try(demo.Password)
				if res.Status != 429 || strings.Contains(res.Body, "gesperrt") || !strings.Contains(res.Body, "Zu viele fehlgeschlagene Anmeldungen") {
					t.Fatalf("after %d failures: %d %s", budget, res.Status, res.Body)
				}
				if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > int(a.Config.LoginWindow/time.Second) {
					t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
				}
				answer := res.Body
				if !tt.api {
					answer = regexp.MustCompile(`data-testid="login-error">[^<]*`).FindString(res.Body)
				}
				if answer == "" {
					t.Fatal("no error message on the login page")
				}
				kind := strings.Fields(tt.name)[0]
				if prev, ok := answers[kind]; ok && prev != answer {
					t.Fatalf("known and unknown accounts answer differently:\n%s\n%s", prev, answer)
				}
				answers[kind] = answer
			})
		}
		// No lock: once the failures leave the window, the right password
		// works on both ways in.
		clk.Advance(a.Config.LoginWindow)
		webtest.NewClient(t, a).Login("genehmigung@boerde.example")
		webtest.NewClient(t, a).Token("vertrieb@kid.example")
	})
}

// TestLoginThrottlePerAddress: many accounts tried from one address use up
// the address's budget.
func TestLoginThrottlePerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		a.Accounts.Config.LoginFailuresPerAddress = 12
		c := webtest.NewClient(t, a)
		for i := range 12 {
			res := c.JSON("POST", "/api/v1/auth/token", map[string]string{"email": fmt.Sprintf("raten%d@boerde.example", i), "password": "falsch-falsch"})
			if res.Status != 401 {
				t.Fatalf("failure %d: %d", i+1, res.Status)
			}
		}
		res := c.JSON("POST", "/api/v1/auth/token", map[string]string{"email": "einkauf@boerde.example", "password": demo.Password})
		if res.Status != 429 || res.Header.Get("Retry-After") == "" || !strings.Contains(res.Body, "/problems/too_many") {
			t.Fatalf("13th attempt from the address: %d %q %s", res.Status, res.Header.Get("Retry-After"), res.Body)
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
