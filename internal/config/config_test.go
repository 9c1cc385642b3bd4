package config

import (
	"testing"
	"time"
)

// The login retention is 30 days unless COOPSHOP_LOGIN_RETENTION_DAYS
// says otherwise; nonsense is refused at start.
func TestLoginRetention(t *testing.T) {
	if got := Default().LoginRetention; got != 30*24*time.Hour {
		t.Errorf("default %v", got)
	}
	t.Setenv("COOPSHOP_LOGIN_RETENTION_DAYS", "7")
	c, err := FromEnv()
	if err != nil || c.LoginRetention != 7*24*time.Hour {
		t.Errorf("7 days: %v %v", c.LoginRetention, err)
	}
	for _, bad := range []string{"0", "-3", "30d", "x"} {
		t.Setenv("COOPSHOP_LOGIN_RETENTION_DAYS", bad)
		if _, err := FromEnv(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The job lease (how soon another process takes over the jobs of a crashed
// one) is 5 minutes unless COOPSHOP_JOB_LEASE says otherwise; a lease of
// zero or less would leave every job to every runner and is refused.
func TestJobLease(t *testing.T) {
	if got := Default().JobLease; got != 5*time.Minute {
		t.Errorf("default %v", got)
	}
	t.Setenv("COOPSHOP_JOB_LEASE", "3s")
	c, err := FromEnv()
	if err != nil || c.JobLease != 3*time.Second {
		t.Errorf("3s: %v %v", c.JobLease, err)
	}
	for _, bad := range []string{"0", "-1s", "3", "x"} {
		t.Setenv("COOPSHOP_JOB_LEASE", bad)
		if _, err := FromEnv(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// COOPSHOP_JOB_WORKERS takes 1 to 64 jobs at once; unset leaves the choice
// to the database (0).
func TestJobWorkers(t *testing.T) {
	if got := Default().JobWorkers; got != 0 {
		t.Errorf("default %d", got)
	}
	t.Setenv("COOPSHOP_JOB_WORKERS", "8")
	if c, err := FromEnv(); err != nil || c.JobWorkers != 8 {
		t.Errorf("8: %d %v", c.JobWorkers, err)
	}
	for _, bad := range []string{"0", "-2", "65", "vier"} {
		t.Setenv("COOPSHOP_JOB_WORKERS", bad)
		if _, err := FromEnv(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Stripe.js comes from Stripe's own address unless COOPSHOP_STRIPE_JS_URL
// names another absolute http(s) address (tests serve a stand-in); its
// origin is what the Content-Security-Policy lets in.
func TestStripeJSURL(t *testing.T) {
	if c := Default(); c.StripeJSURL != "https://js.stripe.com/v3/" || c.StripeJSOrigin() != "https://js.stripe.com" {
		t.Errorf("default %q, origin %q", c.StripeJSURL, c.StripeJSOrigin())
	}
	t.Setenv("STRIPE_PUBLISHABLE_KEY", "pk_test_x")
	t.Setenv("COOPSHOP_STRIPE_JS_URL", "http://127.0.0.1:4100/v3/")
	c, err := FromEnv()
	if err != nil || c.StripePublishableKey != "pk_test_x" || c.StripeJSOrigin() != "http://127.0.0.1:4100" {
		t.Errorf("stand-in: key %q, origin %q, %v", c.StripePublishableKey, c.StripeJSOrigin(), err)
	}
	for _, bad := range []string{"js.stripe.com/v3/", "/v3/", "javascript:alert(1)", "ftp://js.example/v3"} {
		t.Setenv("COOPSHOP_STRIPE_JS_URL", bad)
		if _, err := FromEnv(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
