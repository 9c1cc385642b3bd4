// Package stripemock finds the stripe-mock server that tests of the
// Stripe client talk to (DESIGN §5: tests never reach Stripe). CI starts
// it (.ci/run); on a user's machine a missing stripe-mock skips the test
// with a notice, under COOPSHOP_REQUIRE_TOOLS=1 it fails it.
package stripemock

import (
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"
)

// DefaultURL is where .ci/run starts stripe-mock.
const DefaultURL = "http://127.0.0.1:12111"

// Key is a test secret key stripe-mock accepts.
const Key = "sk_test_coopshop"

var notice sync.Once

// URL is stripe-mock's base URL (STRIPE_MOCK_URL, else DefaultURL) when
// it answers; otherwise the test is skipped, or failed when
// COOPSHOP_REQUIRE_TOOLS=1.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("STRIPE_MOCK_URL")
	if base == "" {
		base = DefaultURL
	}
	u, err := url.Parse(base)
	if err == nil {
		var c net.Conn
		if c, err = net.DialTimeout("tcp", u.Host, 2*time.Second); err == nil {
			c.Close()
			return base
		}
	}
	if os.Getenv("COOPSHOP_REQUIRE_TOOLS") == "1" {
		t.Fatalf("stripe-mock required but not reachable at %s: %v", base, err)
	}
	notice.Do(func() {
		os.Stderr.WriteString("stripemock: stripe-mock not reachable at " + base + ": Stripe client tests skipped (go install github.com/stripe/stripe-mock@v0.203.0)\n")
	})
	t.Skipf("no stripe-mock at %s: %v", base, err)
	return ""
}
