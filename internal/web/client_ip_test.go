package web

import (
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/config"
)

// TestClientIP: X-Forwarded-For speaks for the client only when the direct
// peer is a trusted proxy, and then its right-most untrusted entry counts
// (what the client wrote to the left of it is ignored). app.Test's peer is
// 0.0.0.0.
func TestClientIP(t *testing.T) {
	tests := []struct {
		name, trusted, xff, want string
	}{
		{"demo default: header ignored", "", "203.0.113.9", "0.0.0.0"},
		{"untrusted peer: spoofed header ignored", "10.0.0.0/8, 192.168.1.1", "203.0.113.9", "0.0.0.0"},
		{"trusted proxy: its header counts", "0.0.0.0", "203.0.113.9", "203.0.113.9"},
		{"trusted proxy: client's invented entry to the left ignored", "0.0.0.0", "6.6.6.6, 203.0.113.9", "203.0.113.9"},
		{"chain of trusted proxies skipped", "0.0.0.0/32, 10.0.0.0/8", "6.6.6.6, 203.0.113.9, 10.1.2.3", "203.0.113.9"},
		{"IPv6 client", "0.0.0.0", "2001:db8::7", "2001:db8::7"},
		{"trusted proxy without header", "0.0.0.0", "", "0.0.0.0"},
		{"trusted proxy, garbage header", "0.0.0.0", "nonsense", "0.0.0.0"},
		{"only trusted entries", "0.0.0.0, 10.0.0.0/8", "10.0.0.1", "0.0.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trusted, err := config.ParseTrustedProxies(tt.trusted)
			if err != nil {
				t.Fatal(err)
			}
			d := &Deps{Config: config.Config{TrustedProxies: trusted}}
			fcfg := fiber.Config{}
			proxyConfig(&fcfg, trusted)
			app := fiber.New(fcfg)
			app.Get("/", func(c *fiber.Ctx) error { return c.SendString(d.ClientIP(c)) })
			req := httptest.NewRequest("GET", "/", nil)
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			if string(b) != tt.want {
				t.Fatalf("client %q, want %q", b, tt.want)
			}
		})
	}
}

// TestParseTrustedProxies: addresses and ranges in canonical form; a typo
// is an error, never a silent "trust nobody".
func TestParseTrustedProxies(t *testing.T) {
	got, err := config.ParseTrustedProxies("10.0.0.1, 192.168.7.9/16 ::1\t::ffff:10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.1", "192.168.0.0/16", "::1", "10.0.0.2"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	for _, bad := range []string{"10.0.0", "proxy.local", "10.0.0.0/33"} {
		if _, err := config.ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
