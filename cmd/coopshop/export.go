package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"coopshop/internal/app"
	"coopshop/internal/apperr"
	"coopshop/internal/config"
	"coopshop/internal/export"
)

// exportCmd is `coopshop export`: the invoices and credit notes of a
// period as CSV, DATEV Buchungsstapel or XRechnung zip, written to a file
// for scheduled jobs, as the finance user --user (the enforcer decides,
// the audit log names them), with a progress line on stderr.
func exportCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer, progress io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(out)
	format := fs.String("format", "", "csv, datev or xrechnung")
	from := fs.String("from", "", "first issue date, YYYY-MM-DD")
	to := fs.String("to", "", "last issue date, YYYY-MM-DD")
	outPath := fs.String("out", "", "file to write (required)")
	user := fs.String("user", os.Getenv("COOPSHOP_EXPORT_USER"), "e-mail of the finance user who exports (COOPSHOP_EXPORT_USER)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coopshop export --format csv|datev|xrechnung --from 2026-01-01 --to 2026-12-31 --out FILE --user finanzen@…\n"+
			"Writes the invoices and credit notes issued in the period (at most 366 days; DATEV: one fiscal year) to FILE, as the API does.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	req := export.Request{Format: *format, From: *from, To: *to}
	if _, _, _, err := export.Check(req, export.DefaultMaxDays); err != nil {
		return errors.New(export.Explain(err))
	}
	if *outPath == "" {
		return errors.New("--out: Bitte die Datei angeben, in die exportiert wird")
	}
	if *user == "" {
		return errors.New("--user: Bitte die E-Mail-Adresse des exportierenden Finanz-Benutzers angeben")
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
	job, err := a.Exports.Prepare(ctx, *actor, req)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			return errors.New(export.Explain(err))
		}
		return err
	}
	total, err := job.Count(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	last := start
	job.Progress = func(n int) {
		if now := time.Now(); now.Sub(last) >= 200*time.Millisecond || n == total {
			last = now
			fmt.Fprint(progress, "\r"+progressLine(n, total, now.Sub(start)))
		}
	}
	f, err := os.Create(*outPath)
	if err != nil {
		return err
	}
	if err := job.Run(ctx, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(progress)
	fmt.Fprintf(out, "%d Rechnungen und Gutschriften nach %s exportiert (%s, %s bis %s).\n", total, *outPath, job.Format.Label(), job.From.German(), job.To.German())
	return nil
}

// progressLine is "1.234 / 100.000 Belege, 5.000/s, noch ca. 19 s".
func progressLine(n, total int, elapsed time.Duration) string {
	rate := float64(n) / max(elapsed.Seconds(), 0.001)
	left := "?"
	if rate > 0 && total >= n {
		left = (time.Duration(float64(total-n)/rate) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("%d / %d Belege, %.0f/s, noch ca. %s   ", n, total, rate, left)
}
