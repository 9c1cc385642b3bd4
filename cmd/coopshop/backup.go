package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"coopshop/internal/apperr"
	"coopshop/internal/backup"
	"coopshop/internal/calendar"
	"coopshop/internal/config"
	"coopshop/internal/db"
)

// backupCmd is `coopshop backup --out FILE`: a consistent copy of the
// embedded SQLite database while the shop runs (VACUUM INTO), with its
// manifest. It does not migrate: it copies what is there. On PostgreSQL
// it exits non-zero and names pg_dump.
func backupCmd(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(out)
	file := fs.String("out", "", "the backup file to write (must not exist yet)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coopshop backup --out FILE\n"+
			"Writes a consistent copy of the embedded SQLite database while the shop runs, with a manifest\n"+
			"(row counts, newest audit entry) that `coopshop restore` checks. PostgreSQL: use pg_dump.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("--out: Bitte die Zieldatei angeben (coopshop backup --out FILE)")
	}
	bdb, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer bdb.Close()
	m, err := backup.Create(ctx, bdb, *file, time.Now())
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(out, "Sicherung geschrieben: %s (%d Tabellen, %d Zeilen, Schema %04d, jüngster Audit-Eintrag %s)\n",
		*file, len(m.Tables), m.Rows(), m.Schema, m.NewestAudit)
	return nil
}

// restoreCmd is `coopshop restore FILE`: the backup brought back into the
// empty database of DATABASE_URL, checked against its manifest.
func restoreCmd(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coopshop restore FILE\n"+
			"Restores a backup of `coopshop backup` into the database of DATABASE_URL, which must be empty\n"+
			"(a new file), and checks it: integrity_check, every table's row count and the newest audit entry.\n"+
			"Pending migrations run at the next start. PostgreSQL: use pg_restore.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: Bitte genau eine Sicherungsdatei angeben (coopshop restore FILE)")
	}
	m, err := backup.Restore(ctx, cfg.DatabaseURL, fs.Arg(0))
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(out, "Wiederhergestellt aus %s (Sicherung vom %s): %d Tabellen, %d Zeilen, jüngster Audit-Eintrag %s – geprüft.\n",
		fs.Arg(0), m.TakenAt.In(calendar.Berlin).Format("02.01.2006 15:04:05"), len(m.Tables), m.Rows(), m.NewestAudit)
	return nil
}

// cliError turns an application error into its German message for the
// terminal; other errors stay as they are.
func cliError(err error) error {
	if c := apperr.CodeOf(err); c != apperr.Internal {
		return errors.New(apperr.MessageOf(err))
	}
	return err
}
