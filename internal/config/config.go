// Package config reads the program's settings from the environment, with
// defaults that make a fresh checkout run the demo without any set-up.
package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything that differs between a laptop demo and production.
// Secrets only ever come from the environment.
type Config struct {
	DatabaseURL string // sqlite://path or postgres://…
	Addr        string // listen address, e.g. 127.0.0.1:8080
	// BaseURL is where users reach the shop, for links in e-mails; by
	// default http:// and the listen address.
	BaseURL string
	// SecureCookies marks cookies Secure; set it whenever TLS terminates in
	// front of the shop.
	SecureCookies bool
	// TrustedProxies are the reverse proxies (IP addresses or CIDR ranges,
	// canonical form) whose X-Forwarded-For header names the client: the
	// address the login throttle counts and the request log names. A
	// request from any other peer is taken at its own address, whatever
	// header it sends, so that nobody escapes the throttle by inventing one.
	TrustedProxies []string
	// BackupDir is where the nightly job writes the copies of the
	// embedded database (SQLite only; PostgreSQL is backed up with
	// pg_dump), and where the operator's page lists them.
	BackupDir string
	// BackupKeep is how many nightly copies are kept (the oldest beyond it
	// are deleted); 0 switches the nightly backup off.
	BackupKeep int
	// SessionTTL is how long an idle browser session stays valid.
	SessionTTL time.Duration
	// TokenTTL is how long an API token issued by /auth/token stays valid.
	TokenTTL time.Duration
	// LoginFailureDelay slows every failed login down a little, the same
	// for unknown and known accounts.
	LoginFailureDelay time.Duration
	// LoginWindow is the sliding window of the login throttle: within it,
	// a source address may fail LoginFailuresPerAddress times in all and
	// LoginFailuresPerAccount times for one account before further
	// attempts answer 429 until the oldest failure leaves the window.
	// Failures never lock the account itself.
	LoginWindow             time.Duration
	LoginFailuresPerAccount int
	LoginFailuresPerAddress int
	// LoginRetention is how long records of logins (the audit entries of
	// logins and failed logins, the throttle's failures) and the client
	// addresses stored with them are kept at most (DSGVO: 30 days by
	// default, COOPSHOP_LOGIN_RETENTION_DAYS); internal/privacy purges
	// them.
	LoginRetention time.Duration
	// ShutdownTimeout is how long requests in flight may take to finish
	// after SIGTERM.
	ShutdownTimeout time.Duration
	// JobLease is how long a background job claimed by one process is
	// left to it before another process takes it over: the time within
	// which the jobs of a crashed process are done by the others
	// (COOPSHOP_JOB_LEASE, default 5 min). Every job must finish well
	// within it, or it runs twice.
	JobLease time.Duration
	// JobWorkers is how many background jobs one process runs at once
	// (COOPSHOP_JOB_WORKERS; 0, the default, means 4 on PostgreSQL and 1
	// on SQLite, whose single writer gains nothing from more).
	JobWorkers int

	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIBase       string
	// StripePublishableKey (pk_…, STRIPE_PUBLISHABLE_KEY) lets the invoice
	// page show Stripe's payment form (Stripe.js) for a started payment:
	// card and account data go from the browser to Stripe, never through
	// coopshop. Without it a started payment waits for data entered
	// elsewhere, and the page says so.
	StripePublishableKey string
	// StripeJSURL is where the browser loads Stripe.js from
	// (COOPSHOP_STRIPE_JS_URL; Stripe's own address by default, which
	// Stripe requires in production; tests serve a stand-in).
	StripeJSURL string
	SMTPURL     string
	LogLevel    string
}

// Default is the demo configuration.
func Default() Config {
	return Config{
		DatabaseURL:             "sqlite://data/coopshop.db",
		Addr:                    "127.0.0.1:8080",
		SessionTTL:              8 * time.Hour,
		TokenTTL:                24 * time.Hour,
		LoginFailureDelay:       250 * time.Millisecond,
		LoginWindow:             15 * time.Minute,
		LoginFailuresPerAccount: 10,
		LoginFailuresPerAddress: 50,
		ShutdownTimeout:         20 * time.Second,
		JobLease:                5 * time.Minute,
		LoginRetention:          30 * 24 * time.Hour,
		LogLevel:                "info",
		BackupDir:               "data/backups",
		BackupKeep:              7,
		StripeJSURL:             "https://js.stripe.com/v3/",
	}
}

// FromEnv starts from Default and overrides what the environment sets.
func FromEnv() (Config, error) {
	c := Default()
	str := func(key string, dst *string) {
		if v, ok := os.LookupEnv(key); ok && v != "" {
			*dst = v
		}
	}
	str("DATABASE_URL", &c.DatabaseURL)
	str("COOPSHOP_ADDR", &c.Addr)
	str("COOPSHOP_BASE_URL", &c.BaseURL)
	str("STRIPE_SECRET_KEY", &c.StripeSecretKey)
	str("STRIPE_WEBHOOK_SECRET", &c.StripeWebhookSecret)
	str("STRIPE_API_BASE", &c.StripeAPIBase)
	str("STRIPE_PUBLISHABLE_KEY", &c.StripePublishableKey)
	str("COOPSHOP_STRIPE_JS_URL", &c.StripeJSURL)
	str("SMTP_URL", &c.SMTPURL)
	str("COOPSHOP_LOG_LEVEL", &c.LogLevel)
	str("COOPSHOP_BACKUP_DIR", &c.BackupDir)
	if u, err := url.Parse(c.StripeJSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return c, fmt.Errorf("COOPSHOP_STRIPE_JS_URL: want an absolute http(s) address, got %q", c.StripeJSURL)
	}
	if v := os.Getenv("COOPSHOP_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("COOPSHOP_BACKUP_KEEP: want a number ≥ 0, got %q", v)
		}
		c.BackupKeep = n
	}
	if v := os.Getenv("COOPSHOP_TRUSTED_PROXIES"); v != "" {
		proxies, err := ParseTrustedProxies(v)
		if err != nil {
			return c, fmt.Errorf("COOPSHOP_TRUSTED_PROXIES: %w", err)
		}
		c.TrustedProxies = proxies
	}
	if v := os.Getenv("COOPSHOP_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("COOPSHOP_SECURE_COOKIES: %w", err)
		}
		c.SecureCookies = b
	}
	if v := os.Getenv("COOPSHOP_LOGIN_RETENTION_DAYS"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 1 {
			return c, fmt.Errorf("COOPSHOP_LOGIN_RETENTION_DAYS: want whole days of at least 1, got %q", v)
		}
		c.LoginRetention = time.Duration(days) * 24 * time.Hour
	}
	if v := os.Getenv("COOPSHOP_JOB_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return c, fmt.Errorf("COOPSHOP_JOB_WORKERS: want a whole number from 1 to 64, got %q", v)
		}
		c.JobWorkers = n
	}
	for key, dst := range map[string]*time.Duration{
		"COOPSHOP_SESSION_TTL": &c.SessionTTL,
		"COOPSHOP_TOKEN_TTL":   &c.TokenTTL,
		"COOPSHOP_JOB_LEASE":   &c.JobLease,
	} {
		if v := os.Getenv(key); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return c, fmt.Errorf("%s: %w", key, err)
			}
			*dst = d
		}
	}
	if c.JobLease <= 0 {
		return c, fmt.Errorf("COOPSHOP_JOB_LEASE: want a positive duration such as 5m, got %v", c.JobLease)
	}
	return c, nil
}

// ParseTrustedProxies reads a comma- or space-separated list of IP
// addresses and CIDR ranges ("10.0.0.1, 192.168.0.0/16, ::1") into their
// canonical forms; anything else is an error naming the entry, so that a
// typo does not silently trust nobody (or everybody).
func ParseTrustedProxies(list string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is no IP range (CIDR such as 10.0.0.0/8)", f)
			}
			out = append(out, p.Masked().String())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is no IP address", f)
		}
		out = append(out, a.Unmap().String())
	}
	return out, nil
}

// StripeJSOrigin is the origin (scheme and host) Stripe.js is loaded
// from, for the Content-Security-Policy.
func (c Config) StripeJSOrigin() string {
	u, err := url.Parse(c.StripeJSURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "https://js.stripe.com"
	}
	return u.Scheme + "://" + u.Host
}

// PublicURL is BaseURL, or http:// and the listen address when unset.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}
