package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/authz"
	"coopshop/internal/config"
)

// metricsTokenCmd is `coopshop metrics-token --user E --ttl 8760h`: an API
// bearer token for a Prometheus scraper, which cannot log in every day as
// POST /api/v1/auth/token would need (its tokens last COOPSHOP_TOKEN_TTL).
// The user must hold the right to read /metrics (the enforcer decides);
// the token carries all of that user's rights, so it belongs in the
// scraper's credentials file and nowhere else.
func metricsTokenCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("metrics-token", flag.ContinueOnError)
	fs.SetOutput(out)
	user := fs.String("user", "", "e-mail of the user the scraper acts as (needs the right metrics read)")
	ttl := fs.Duration("ttl", 365*24*time.Hour, "how long the token is valid")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coopshop metrics-token --user admin@… [--ttl 8760h]\n"+
			"Prints an API token for a scraper of /metrics (Authorization: Bearer …).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" {
		return errors.New("--user: Bitte die E-Mail-Adresse des Benutzers angeben, mit dem der Scraper liest")
	}
	if *ttl <= 0 {
		return errors.New("--ttl: Die Gültigkeit muss positiv sein")
	}
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	actor, err := actorByEmail(ctx, a, *user)
	if err != nil {
		return err
	}
	if err := a.Authz.Can(ctx, actor.Subject, authz.MetricsRead.Action, authz.MetricsRead.On()); err != nil {
		return fmt.Errorf("--user: %s darf /metrics nicht lesen", *user)
	}
	token, expires, err := account.IssueToken(ctx, a.DB, actor.User.ID, *ttl, a.Clock.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(out, token)
	log.Info("metrics token issued", "user", *user, "expires", expires)
	return nil
}
