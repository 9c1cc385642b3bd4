package ui_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// failLogin sends one wrong password for email to the token endpoint with
// the X-Forwarded-For header xff (none when empty) and answers the status.
func failLogin(t *testing.T, a *app.App, email, xff string) int {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(`{"email":"`+email+`","password":"falsch-falsch"}`))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := a.Web.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestTrustedProxies: the login throttle counts failures per client
// address. A peer that is no trusted proxy cannot escape it by inventing
// X-Forwarded-For addresses (every failure counts against the peer); a
// trusted proxy's header names the client, so clients behind it have
// budgets of their own. app.Test's peer is 0.0.0.0.
func TestTrustedProxies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		tests := []struct {
			name    string
			trusted []string
			// statuses of failures from four different header addresses
			want []int
		}{
			{"untrusted peer: spoofed headers ignored", []string{"10.0.0.0/8"}, []int{401, 401, 401, 429}},
			{"trusted proxy: each client its own budget", []string{"0.0.0.0"}, []int{401, 401, 401, 401}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if i > 0 {
					bdb.NewDelete().Table("login_failures").Where("1 = 1").Exec(t.Context())
				}
				a := webtest.NewWith(t, bdb, func(c *config.Config) {
					c.TrustedProxies = tt.trusted
					c.LoginFailuresPerAddress = 3
				})
				for n, want := range tt.want {
					xff := "203.0.113." + string(rune('1'+n))
					if got := failLogin(t, a, "niemand@boerde.example", xff); got != want {
						t.Fatalf("failure %d from %s: status %d, want %d", n+1, xff, got, want)
					}
				}
				if len(tt.trusted) == 1 && tt.trusted[0] == "0.0.0.0" {
					// One client behind the proxy uses its budget up;
					// another one is not affected.
					for n := 0; n < 3; n++ {
						failLogin(t, a, "niemand@boerde.example", "198.51.100.7")
					}
					if got := failLogin(t, a, "niemand@boerde.example", "198.51.100.7"); got != 429 {
						t.Fatalf("fourth failure of one client: %d, want 429", got)
					}
					if got := failLogin(t, a, "niemand@boerde.example", "198.51.100.8"); got != 401 {
						t.Fatalf("another client: %d, want 401", got)
					}
				}
			})
		}
	})
}

// TestSecureCookies: with COOPSHOP_SECURE_COOKIES the session cookie (which
// carries the CSRF token's session) is Secure and every answer sends HSTS;
// the demo default (plain HTTP on localhost) sends neither.
func TestSecureCookies(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	for _, secure := range []bool{false, true} {
		a := webtest.NewWith(t, bdb, func(c *config.Config) { c.SecureCookies = secure })
		res, err := a.Web.App.Test(httptest.NewRequest("GET", "/login", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		cookies := res.Cookies()
		if len(cookies) == 0 {
			t.Fatal("no session cookie on the login page")
		}
		for _, ck := range cookies {
			if ck.Secure != secure || !ck.HttpOnly {
				t.Errorf("secure=%v: cookie %s Secure=%v HttpOnly=%v", secure, ck.Name, ck.Secure, ck.HttpOnly)
			}
		}
		hsts := res.Header.Get("Strict-Transport-Security")
		if secure && !strings.HasPrefix(hsts, "max-age=31536000") || !secure && hsts != "" {
			t.Errorf("secure=%v: Strict-Transport-Security %q", secure, hsts)
		}
	}
}
