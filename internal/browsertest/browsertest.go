// Package browsertest drives the real coopshop in a real browser: the whole
// app listens on a free port over a dbtest database with the demo data, and
// a headless Chromium, steered through chromedp, clicks through its pages.
//
// A browser test reads like what a user does:
//
//	b := browsertest.NewBrowser(t) // first: skips at once without Chromium
//	shop := browsertest.Start(t, bdb)
//	b.Login(shop, "einkauf@boerde.example")
//	b.Open(shop.URL + "/admin/users")
//	got := b.Text(`[data-testid=who]`)
//
// Building and seeding the app is the slow part of a browser test (seconds
// under -race), so tests of one dialect can share a shop and open a
// separate session per subtest with NewTab.
//
// Chromium is found through CHROMIUM_PATH or on PATH. Without it the tests
// skip with a one-line notice, unless COOPSHOP_REQUIRE_TOOLS=1 (as in CI)
// turns the skip into a failure.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/config"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

// Timeout bounds every browser step (each Do, Run or helper call) and the
// start of Chromium: chromedp waits for a selector forever, so a page that
// never shows what the test expects would otherwise hang until go test's
// global timeout. It is per step rather than per test because a test's
// own length varies too much with the machine's load: its demo seed alone
// takes 10–70 s under -race on a busy two-core machine.
const Timeout = 30 * time.Second

// Shop is the real application serving HTTP on a free local port.
type Shop struct {
	// URL is the base address, such as http://127.0.0.1:41234, without a
	// trailing slash.
	URL string
}

// Start builds the app over bdb with the demo data (as webtest.New does)
// and serves it on 127.0.0.1 on a free port until the test ends; the
// cleanup waits for the graceful shutdown, so no request outlives the test
// and its database.
func Start(t *testing.T, bdb *bun.DB) *Shop {
	t.Helper()
	return StartWith(t, bdb, nil)
}

// StartWith is Start with the configuration changed by configure first
// (as webtest.NewWith), for pages that depend on settings such as the
// Stripe keys.
func StartWith(t *testing.T, bdb *bun.DB, configure func(*config.Config)) *Shop {
	t.Helper()
	a := webtest.NewWith(t, bdb, configure)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("browsertest: serve: %v", err)
		}
	})
	return &Shop{URL: "http://" + ln.Addr().String()}
}

// Browser is one tab of a headless Chromium, bound to one test. Its
// methods fail that test on error, so call them from its goroutine only.
type Browser struct {
	t     *testing.T
	ctx   context.Context // the chromedp context of the tab
	ready chan struct{}   // closed when Chromium has started (or failed to)
	err   error           // why it failed to start; read after ready
}

// notice makes the skip explain itself once per test binary instead of
// once per test.
var notice sync.Once

// NewBrowser starts a fresh Chromium for the test (own process, own
// temporary profile, so nothing leaks between tests) and closes it when
// the test ends. Without Chromium it skips the test, or fails it when
// COOPSHOP_REQUIRE_TOOLS=1. Call it before Start: a skip then costs
// nothing, and Chromium starts in the background while Start builds and
// seeds the app.
func NewBrowser(t *testing.T) *Browser {
	t.Helper()
	path, err := findChromium()
	if err != nil {
		if os.Getenv("COOPSHOP_REQUIRE_TOOLS") == "1" {
			t.Fatalf("chromium required but not found: %v", err)
		}
		notice.Do(func() {
			os.Stderr.WriteString("browsertest: no Chromium found: browser tests skipped (" + err.Error() + ")\n")
		})
		t.Skipf("no Chromium: %v", err)
	}

	// The machine may have no network: without these flags Chromium keeps
	// trying to reach Google's services and pages can stall. chromedp adds
	// a fresh temporary --user-data-dir and removes it afterwards.
	var output syncBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&output),
	)
	allocCtx, closeAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, closeTab := chromedp.NewContext(allocCtx)
	b := &Browser{t: t, ctx: ctx, ready: make(chan struct{})}
	go func() {
		if err := chromedp.Do(ctx); err != nil { // the first action starts Chromium
			b.err = fmt.Errorf("browsertest: start %s: %w", path, err)
		}
		close(b.ready)
	}()
	t.Cleanup(func() {
		closeTab()
		<-b.ready
		closeAlloc() // waits until Chromium has exited and its profile is gone
		if t.Failed() {
			if out := output.String(); out != "" {
				t.Logf("chromium output (without D-Bus noise):\n%s", out)
			}
		}
	})
	t.Cleanup(b.screenshotOnFailure) // runs before the browser closes
	return b
}

// NewTab opens another tab in b's Chromium for the test t (typically a
// subtest), in its own browser context: it shares no cookies with other
// tabs, so it is a separate session, like a private window. Two tabs let
// one test act as two users, say a purchaser and an approver. The tab
// closes when t ends.
func (b *Browser) NewTab(t *testing.T) *Browser {
	t.Helper()
	parent, err := b.started()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatal(err)
	}
	tab := &Browser{t: t, ctx: ctx, ready: make(chan struct{})}
	close(tab.ready)
	t.Cleanup(tab.screenshotOnFailure)
	return tab
}

// started waits until Chromium runs, at most Timeout.
func (b *Browser) started() (context.Context, error) {
	select {
	case <-b.ready:
		return b.ctx, b.err
	case <-time.After(Timeout):
		return nil, errors.New("browsertest: Chromium did not start within " + Timeout.String())
	}
}

// Context returns the chromedp context of the tab once Chromium runs, for
// chromedp calls the helpers do not cover. The tab lives as long as this
// context, so bound a single call with a context.WithTimeout derived from
// it, never by replacing it.
func (b *Browser) Context() context.Context {
	b.t.Helper()
	ctx, err := b.started()
	if err != nil {
		b.t.Fatal(err)
	}
	return ctx
}

// findChromium returns the browser to use. An explicit CHROMIUM_PATH is
// final: when it names nothing runnable, there is no browser, which is how
// the skip path can be tried on a machine that has one.
func findChromium() (string, error) {
	if p, ok := os.LookupEnv("CHROMIUM_PATH"); ok && p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", errors.New("CHROMIUM_PATH=" + p + " is not executable")
		}
		return found, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if found, err := exec.LookPath(name); err == nil {
			return found, nil
		}
	}
	return "", errors.New("none of chromium, chromium-browser, google-chrome on PATH, no /usr/bin/chromium; set CHROMIUM_PATH")
}

// Do runs actions in the tab, in order, within Timeout, and fails the test
// at the first error. It is the way to anything the helpers do not cover.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// Run runs one action that returns a value, such as
// chromedp.JavascriptAttribute[bool](sel, "checked"), within Timeout, and
// fails the test on error. (A method cannot have a type parameter, so this
// is a function.)
func Run[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// Open loads url and waits for the page to finish loading.
func (b *Browser) Open(url string) {
	b.t.Helper()
	b.Do(chromedp.Navigate(url))
}

// Login signs in as email with the demo password through the login form,
// as a user would, and waits for the header that shows who is signed in.
func (b *Browser) Login(shop *Shop, email string) {
	b.t.Helper()
	b.Open(shop.URL + "/login")
	b.SubmitLogin(email, demo.Password)
	b.Do(chromedp.WaitVisible(chromedp.CSS(`[data-testid=who]`)))
}

// SubmitLogin fills the login form of the current page and sends it
// without waiting for any outcome; tests of failed logins wait for the
// error message themselves.
func (b *Browser) SubmitLogin(email, password string) {
	b.t.Helper()
	b.Fill(`input[name=email]`, email)
	b.Fill(`input[name=password]`, password)
	b.Do(chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
}

// Fill replaces the value of the input matching the CSS selector by typing
// value into it, so the page sees the key events a user would cause.
func (b *Browser) Fill(selector, value string) {
	b.t.Helper()
	// Empty the field first. (chromedp.SetValue(sel, "") reports "could
	// not set value" in chromedp v0.23, and Clear only resets the value
	// attribute, which a field the user typed into no longer follows.)
	quoted, _ := json.Marshal(selector)
	b.Do(
		chromedp.WaitReady(chromedp.CSS(selector)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+string(quoted)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(selector), value),
	)
}

// Text waits for the first element matching the CSS selector and returns
// its visible text, trimmed.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	return strings.TrimSpace(Run(b, chromedp.Text(chromedp.CSS(selector))))
}

// Screenshot writes a PNG of the whole page to path, for debugging and for
// looking at a page the way a user sees it.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	png := Run(b, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// screenshotOnFailure keeps the last page of a failed test in the temporary
// directory, because a browser test's error alone rarely says what the
// page showed.
func (b *Browser) screenshotOnFailure() {
	if !b.t.Failed() {
		return
	}
	if <-b.ready; b.err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc == "about:blank" {
		return // a tab that showed nothing, such as the first one when NewTab is used
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	name := strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name())
	path := filepath.Join(os.TempDir(), "browsertest-"+name+".png")
	if err == nil {
		err = os.WriteFile(path, png, 0o644)
	}
	if err != nil {
		b.t.Logf("browsertest: no screenshot of the failure: %v", err)
		return
	}
	b.t.Logf("browsertest: the page at the failure: %s", path)
}

// syncBuffer collects Chromium's output, which chromedp copies from
// another goroutine, without the D-Bus complaints of a machine that has
// no D-Bus, which would bury anything useful.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	partial []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		if line := s.partial[:i+1]; !bytes.Contains(line, []byte(":ERROR:dbus/")) {
			s.buf.Write(line)
		}
		s.partial = s.partial[i+1:]
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String() + string(s.partial)
}
