// Package webtest drives the real application in tests: a demo-seeded app
// on a dbtest database, and a client that keeps cookies and CSRF tokens
// like a browser does.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/demo"
)

// Day is the day the apps of New live on, whatever the calendar says: the
// demo data is seeded relative to it, and a test that needs another day
// moves Clock(a).
var Day = calendar.MustParse("2026-11-22")

// New builds the app over bdb with the demo data and test-friendly
// settings (no login slow-down), on a manual clock at noon of Day.
func New(t testing.TB, bdb *bun.DB) *app.App {
	t.Helper()
	return NewWith(t, bdb, nil)
}

// NewWith is New with the configuration changed by configure first (nil:
// unchanged), for tests of settings such as secure cookies or trusted
// proxies.
func NewWith(t testing.TB, bdb *bun.DB, configure func(*config.Config)) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.LoginFailureDelay = 0
	cfg.ShutdownTimeout = 2 * time.Second
	// A nightly backup that comes due while a test serves (a moved clock)
	// writes into the test's directory, not into the package's.
	cfg.BackupDir = t.TempDir()
	if configure != nil {
		configure(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Build(context.Background(), cfg, log, bdb, app.WithClock(clock.At(Day)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedOn(context.Background(), bdb, Day); err != nil {
		t.Fatal(err)
	}
	if err := a.Authz.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

// Clock is the manual clock of an app made by New.
func Clock(a *app.App) *clock.Manual { return a.Clock.(*clock.Manual) }

// Client is a browser-like test client over app.Test.
type Client struct {
	t       testing.TB
	app     *app.App
	Cookies map[string]string
	CSRF    string
	Bearer  string
}

// NewClient starts a client without cookies.
func NewClient(t testing.TB, a *app.App) *Client {
	return &Client{t: t, app: a, Cookies: map[string]string{}}
}

// Response is a read response.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Do sends a request and records cookies and the page's CSRF token.
func (c *Client) Do(method, path, contentType string, body io.Reader) Response {
	c.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	res, err := c.app.Web.App.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.Cookies, ck.Name)
		} else {
			c.Cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		c.CSRF = string(m[1])
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get fetches a page.
func (c *Client) Get(path string) Response { return c.Do("GET", path, "", nil) }

// PostForm sends a form; the page's CSRF token is added unless the form
// has its own _csrf.
func (c *Client) PostForm(path string, form url.Values) Response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok && c.CSRF != "" {
		form.Set("_csrf", c.CSRF)
	}
	return c.Do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// JSON sends v as JSON.
func (c *Client) JSON(method, path string, v any) Response {
	var body io.Reader
	if s, ok := v.(string); ok {
		body = strings.NewReader(s)
	} else if v != nil {
		b, _ := json.Marshal(v)
		body = bytes.NewReader(b)
	}
	return c.Do(method, path, "application/json", body)
}

// Login signs in through the login form.
func (c *Client) Login(email string) {
	c.t.Helper()
	c.Get("/login")
	res := c.PostForm("/login", url.Values{"email": {email}, "password": {demo.Password}})
	if res.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d: %s", email, res.Status, res.Body)
	}
}

// Token signs in through the API and keeps the bearer token.
func (c *Client) Token(email string) {
	c.t.Helper()
	res := c.JSON("POST", "/api/v1/auth/token", map[string]string{"email": email, "password": demo.Password})
	var out struct{ Token string }
	res.JSON(c.t, &out)
	if res.Status != 200 || out.Token == "" {
		c.t.Fatalf("token %s: %d %s", email, res.Status, res.Body)
	}
	c.Bearer = out.Token
}

// Location returns the redirect target of a response.
func (r Response) Location() string {
	u, _ := url.Parse(r.Header.Get("Location"))
	if u == nil {
		return ""
	}
	return u.String()
}
