package web

import (
	"strings"
	"testing"

	"coopshop/internal/config"
)

// TestContentSecurityPolicy: the pages load nothing from elsewhere, but
// Stripe.js, its frames and its API where a publishable key is set.
func TestContentSecurityPolicy(t *testing.T) {
	plain := "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
	cfg := config.Default()
	cfg.StripeSecretKey = "sk_test_x" // a secret key alone shows no form
	if got := contentSecurityPolicy(cfg); got != plain {
		t.Errorf("without a publishable key:\n%s\nwant\n%s", got, plain)
	}
	cfg.StripePublishableKey = "pk_test_x"
	got := contentSecurityPolicy(cfg)
	for _, want := range []string{
		"script-src 'self' https://js.stripe.com;",
		"frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;",
		"connect-src 'self' https://api.stripe.com;",
		"img-src 'self' data: https://*.stripe.com;",
		"default-src 'self';", "form-action 'self';", "frame-ancestors 'none';",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("with a publishable key, %q lacks %q", got, want)
		}
	}
	cfg.StripeJSURL = "http://127.0.0.1:4100/v3/"
	if got := contentSecurityPolicy(cfg); !strings.Contains(got, "script-src 'self' http://127.0.0.1:4100;") {
		t.Errorf("with a stand-in Stripe.js: %q", got)
	}
}
