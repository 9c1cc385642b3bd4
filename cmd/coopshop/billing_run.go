package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"coopshop/internal/app"
	"coopshop/internal/apperr"
	"coopshop/internal/config"
	"coopshop/internal/money"
)

// billingRunCmd is `coopshop billing-run --month 2026-12`: the monthly
// billing run as POST /api/v1/billing-runs does it, as the finance user
// --user (the enforcer decides, the audit log names them), for scheduled
// jobs. Running a month twice invoices nothing twice; a run that stopped
// half-way finishes. Members that could not be invoiced (no Leitweg-ID)
// make it exit non-zero after the others were invoiced.
func billingRunCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("billing-run", flag.ContinueOnError)
	fs.SetOutput(out)
	month := fs.String("month", "", "the month to invoice in arrears, YYYY-MM (required; it must be over)")
	user := fs.String("user", os.Getenv("COOPSHOP_BILLING_USER"), "e-mail of the finance user who runs it (COOPSHOP_BILLING_USER)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coopshop billing-run --month 2026-12 --user finanzen@…\n"+
			"Invoices the month for every rental and seat subscription active in it: one invoice per member and month.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *month == "" {
		return errors.New("--month: Bitte den Monat angeben (JJJJ-MM, z. B. 2026-12)")
	}
	if *user == "" {
		return errors.New("--user: Bitte die E-Mail-Adresse des abrechnenden Finanz-Benutzers angeben")
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
	res, err := a.Subscriptions.BillingRun(ctx, *actor, *month)
	if err != nil {
		if fe := apperr.FieldsOf(err); len(fe) > 0 {
			return fmt.Errorf("--%s: %s", fe[0].Field, fe[0].Message)
		}
		if apperr.CodeOf(err) != apperr.Internal {
			return errors.New(apperr.MessageOf(err))
		}
		return err
	}
	var gross int64
	for _, inv := range res.Invoices {
		gross += inv.GrossCents
		fmt.Fprintf(out, "  %s  %-30s %14s\n", inv.Number, inv.MemberName, money.Format(inv.GrossCents))
	}
	fmt.Fprintf(out, "Abrechnungslauf %s: %d Rechnungen über %s erstellt, %d Mitglieder waren bereits abgerechnet.\n",
		res.Month.German(), len(res.Invoices), money.Format(gross), res.Skipped)
	if len(res.Failures) > 0 {
		for _, f := range res.Failures {
			fmt.Fprintf(out, "  nicht abgerechnet: %s – %s\n", f.MemberName, f.Reason)
		}
		return fmt.Errorf("%d Mitglieder konnten nicht abgerechnet werden; der Lauf wird beim nächsten Start fortgesetzt", len(res.Failures))
	}
	return nil
}
