package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// wantNoForgedHeader fails when a response carries a header that came out
// of a redirect target (header injection through next).
func wantNoForgedHeader(t *testing.T, h http.Header) {
	t.Helper()
	for _, c := range h.Values("Set-Cookie") {
		if strings.HasPrefix(c, "x=") {
			t.Fatalf("forged Set-Cookie %q", c)
		}
	}
	if loc := h.Get("Location"); strings.ContainsAny(loc, "\r\n\t\\") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "evil.example") {
		t.Fatalf("Location %q", loc)
	}
}

// TestLoginNextIsAPathOfThisSite: whatever the client puts in next, the
// login redirects only to a clean path of this site.
func TestLoginNextIsAPathOfThisSite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		tests := []struct {
			name, next string
			status     int    // 303, or 422 when the central text check refuses a control character first
			location   string // for 303
		}{
			{"clean path", "/orders?state=submitted", 303, "/orders?state=submitted"},
			{"CR LF injection", "/\r\nSet-Cookie: x=1", 422, ""},
			{"tab before a second slash", "/\t/evil.example", 422, ""},
			{"encoded tab before a second slash", "/%09/evil.example", 303, "/"},
			{"protocol-relative", "//evil.example/", 303, "/"},
			{"backslash", "/\\evil.example", 303, "/"},
			{"absolute URL", "https://evil.example/", 303, "/"},
			{"encoded slash", "/%2F/evil.example", 303, "/"},
			{"encoded CR LF", "/%0D%0ASet-Cookie:%20x=1", 303, "/"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// The login page keeps next for the form only when it is clean.
				page := webtest.NewClient(t, a)
				res := page.Get("/login?next=" + url.QueryEscape(tt.next))
				wantNoForgedHeader(t, res.Header)
				if strings.Contains(res.Body, "evil.example") {
					t.Fatalf("login page carries %q", tt.next)
				}
				c := webtest.NewClient(t, a)
				c.Get("/login")
				res = c.PostForm("/login", url.Values{"email": {"einkauf@boerde.example"}, "password": {demo.Password}, "next": {tt.next}})
				wantNoForgedHeader(t, res.Header)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %.300s", res.Status, tt.status, res.Body)
				}
				if tt.status == 303 && res.Header.Get("Location") != tt.location {
					t.Fatalf("Location %q, want %q", res.Header.Get("Location"), tt.location)
				}
				if tt.status == 422 && !strings.Contains(res.Body, "next") {
					t.Fatalf("422 does not name the field: %.300s", res.Body)
				}
			})
		}
	})
}

// TestCartBackToIsAPathOfThisSite: the cart goes back to the page the form
// came from (next, or a Referer of this host), never elsewhere.
func TestCartBackToIsAPathOfThisSite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		mon := f.Products["T-MON"]
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		buyer.Get("/cart")
		tests := []struct {
			name, next, referer, want string
		}{
			{"next", "/catalog?q=Monitor", "", "/catalog?q=Monitor"},
			{"protocol-relative next", "//evil.example/", "", "/cart"},
			{"backslash next", "/\\evil.example", "", "/cart"},
			{"Referer of this host", "", "http://example.com/catalog/products/1", "/catalog/products/1"},
			{"Referer of another host", "", "http://evil.example/catalog", "/cart"},
			{"Referer of this host with a smuggled second slash", "", "http://example.com//evil.example/", "/cart"},
			{"Referer with an encoded line break", "", "http://example.com/%0D%0ASet-Cookie:%20x=1", "/cart"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				form := url.Values{"product_id": {fmt.Sprint(mon.ID)}, "quantity": {"1"}, "_csrf": {buyer.CSRF}}
				if tt.next != "" {
					form.Set("next", tt.next)
				}
				res := post(t, a, buyer, "/cart/items", form, map[string]string{"Referer": tt.referer})
				wantNoForgedHeader(t, res.Header)
				if res.StatusCode != 303 || res.Header.Get("Location") != tt.want {
					t.Fatalf("%d → %q, want %q", res.StatusCode, res.Header.Get("Location"), tt.want)
				}
			})
		}
	})
}

// post sends a form with the client's cookies and extra headers.
func post(t *testing.T, a *app.App, c *webtest.Client, path string, form url.Values, headers map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	for k, v := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := a.Web.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}
