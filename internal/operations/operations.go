// Package operations is the operator's view of a running shop (issue 16):
// the state of the background jobs (waiting, backing off, failed with
// their last error) and sending a failed one round again, the outgoing
// mails in numbers, the backups in the backup directory, the size of the
// database and the migrations applied. Admin reads it (operations read);
// a retry is a step of its own (job retry), audited.
package operations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/backup"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/job"
	"coopshop/internal/notify"
)

// Service reads the operator's overview and retries jobs.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	Clock clock.Clock
	// BackupDir and BackupKeep are the nightly backup's settings
	// (config.Config).
	BackupDir  string
	BackupKeep int
	// Migrations are the migration files of this binary, to tell applied
	// from pending ones.
	Migrations fs.FS
}

// MaxListed bounds each list of jobs on the page.
const MaxListed = 50

// KindStat counts the jobs of one kind by state.
type KindStat struct {
	Kind string
	// Due are pending jobs that may run now (a backlog when it grows);
	// Scheduled pending ones due later (the nightly and daily rounds,
	// retries after a failure).
	Due, Scheduled, Running, Failed, Done int
}

// MailStat counts the outgoing mails (jobs of notify.KindMail).
type MailStat struct {
	Sent, Waiting, Failed int
}

// Database is what the page says about the database.
type Database struct {
	Dialect string // "sqlite" or "pg"
	// File is the SQLite file ("" on PostgreSQL).
	File      string
	SizeBytes int64
}

// Migration is one migration of this binary and whether it is applied.
type Migration struct {
	Version   int
	Name      string
	AppliedAt *time.Time
	// Changed: the file differs from the one applied (the migrator
	// refuses to run then).
	Changed bool
}

// Overview is the operator's page.
type Overview struct {
	Kinds []KindStat
	// Failed are failed jobs, newest first; Retrying pending jobs that
	// failed before and wait for their next attempt (later than now);
	// Upcoming the next jobs scheduled for later that never ran yet.
	Failed, Retrying, Upcoming []*job.Job
	Mails                      MailStat
	Database                   Database
	// Backups are the files of BackupDir, newest first; BackupNote says
	// why there are none to expect (PostgreSQL, switched off).
	Backups    []backup.File
	BackupDir  string
	BackupKeep int
	BackupNote string
	// Restored is the manifest of the backup this database was restored
	// from, if it was.
	Restored   *backup.Manifest
	Migrations []Migration
	Pending    int
	Now        time.Time
}

func (s *Service) clock() clock.Clock {
	if s.Clock != nil {
		return s.Clock
	}
	return clock.System()
}

// Overview reads the page for actor (admin: operations read).
func (s *Service) Overview(ctx context.Context, actor account.Principal) (*Overview, error) {
	if err := s.Authz.Can(ctx, actor.Subject, authz.OperationsRead.Action, authz.OperationsRead.On()); err != nil {
		return nil, err
	}
	now := s.clock().Now().UTC()
	o := &Overview{Now: now, BackupDir: s.BackupDir, BackupKeep: s.BackupKeep}
	if err := s.jobs(ctx, o, now); err != nil {
		return nil, err
	}
	var err error
	if o.Database, err = s.database(ctx); err != nil {
		return nil, err
	}
	switch {
	case db.IsPostgres(s.DB):
		o.BackupNote = "PostgreSQL wird mit pg_dump gesichert (siehe README, Abschnitt Betrieb); coopshop legt selbst keine Sicherungen an."
	case s.BackupKeep == 0:
		o.BackupNote = "Die nächtliche Sicherung ist ausgeschaltet (COOPSHOP_BACKUP_KEEP=0)."
	}
	if s.BackupDir != "" {
		if o.Backups, err = backup.List(s.BackupDir); err != nil {
			return nil, fmt.Errorf("list backups: %w", err)
		}
	}
	if m, err := backup.ReadManifest(ctx, s.DB); err == nil {
		o.Restored = m
	}
	if err := s.migrations(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// jobs counts the jobs per kind and state and lists the failed, the
// retrying and the upcoming ones.
func (s *Service) jobs(ctx context.Context, o *Overview, now time.Time) error {
	var rows []struct {
		Kind  string
		State job.State
		Later bool
		N     int
	}
	err := s.DB.NewRaw(`SELECT kind, state, (state = 'pending' AND run_at IS NOT NULL AND run_at > ?) AS later, count(*) AS n
		FROM jobs GROUP BY kind, state, later ORDER BY kind`, now).Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("count jobs: %w", err)
	}
	byKind := map[string]*KindStat{}
	for _, r := range rows {
		k := byKind[r.Kind]
		if k == nil {
			k = &KindStat{Kind: r.Kind}
			byKind[r.Kind] = k
		}
		switch {
		case r.State == job.StatePending && r.Later:
			k.Scheduled += r.N
		case r.State == job.StatePending:
			k.Due += r.N
		case r.State == job.StateRunning:
			k.Running += r.N
		case r.State == job.StateFailed:
			k.Failed += r.N
		case r.State == job.StateDone:
			k.Done += r.N
		}
		if r.Kind == notify.KindMail {
			switch r.State {
			case job.StateDone:
				o.Mails.Sent += r.N
			case job.StateFailed:
				o.Mails.Failed += r.N
			default:
				o.Mails.Waiting += r.N
			}
		}
	}
	for _, k := range byKind {
		o.Kinds = append(o.Kinds, *k)
	}
	slices.SortFunc(o.Kinds, func(a, b KindStat) int { return strings.Compare(a.Kind, b.Kind) })
	lists := []struct {
		dst   *[]*job.Job
		where string
		order string
	}{
		{&o.Failed, "state = 'failed'", "done_at DESC, id DESC"},
		{&o.Retrying, "state = 'pending' AND attempts > 0 AND run_at > ?", "run_at, id"},
		{&o.Upcoming, "state = 'pending' AND attempts = 0 AND run_at > ?", "run_at, id"},
	}
	for _, l := range lists {
		var args []any
		if strings.Contains(l.where, "?") {
			args = append(args, now)
		}
		q := s.DB.NewSelect().Model(l.dst).Where(l.where, args...).OrderExpr(l.order).Limit(MaxListed)
		if err := q.Scan(ctx); err != nil {
			return fmt.Errorf("list jobs: %w", err)
		}
	}
	return nil
}

// database measures the database: the SQLite file with its WAL, or
// pg_database_size.
func (s *Service) database(ctx context.Context) (Database, error) {
	if db.IsPostgres(s.DB) {
		d := Database{Dialect: "pg"}
		err := s.DB.NewRaw("SELECT pg_database_size(current_database())").Scan(ctx, &d.SizeBytes)
		return d, err
	}
	d := Database{Dialect: "sqlite"}
	if err := s.DB.NewRaw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(ctx, &d.File); err != nil {
		return d, fmt.Errorf("database file: %w", err)
	}
	var size int64
	if err := s.DB.NewRaw("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").Scan(ctx, &size); err != nil {
		return d, fmt.Errorf("database size: %w", err)
	}
	d.SizeBytes = size
	if st, err := os.Stat(d.File + "-wal"); err == nil {
		d.SizeBytes += st.Size()
	}
	return d, nil
}

// migrations lists this binary's migrations, newest first, with when
// each was applied.
func (s *Service) migrations(ctx context.Context, o *Overview) error {
	var files []db.Migration
	if s.Migrations != nil {
		var err error
		if files, err = db.LoadMigrations(s.Migrations, s.DB.Dialect().Name()); err != nil {
			return err
		}
	}
	var rows []struct {
		Version   int
		Name      string
		AppliedAt time.Time
		Checksum  sql.NullString
	}
	if err := s.DB.NewSelect().Table("schema_migrations").Column("version", "name", "applied_at", "checksum").Scan(ctx, &rows); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	seen := map[int]bool{}
	for _, r := range rows {
		m := Migration{Version: r.Version, Name: r.Name, AppliedAt: &r.AppliedAt}
		for _, f := range files {
			if f.Version == r.Version && r.Checksum.Valid && r.Checksum.String != "" && r.Checksum.String != f.Checksum {
				m.Changed = true
			}
		}
		seen[r.Version] = true
		o.Migrations = append(o.Migrations, m)
	}
	for _, f := range files {
		if !seen[f.Version] {
			o.Migrations = append(o.Migrations, Migration{Version: f.Version, Name: f.Name})
			o.Pending++
		}
	}
	slices.SortFunc(o.Migrations, func(a, b Migration) int { return b.Version - a.Version })
	return nil
}

// Retry sends job id round again now, for actor (admin: job retry): a
// failed job gets one more attempt, a job that waits after a failed
// attempt runs at once. attempts is the number of attempts the caller saw
// (the job's version: each claim counts one): a job that ran or was retried since is a
// conflict, and so is one the runner takes meanwhile (the update checks
// state and attempts). The retry is audited with the error it had.
func (s *Service) Retry(ctx context.Context, actor account.Principal, id int64, attempts int) (*job.Job, error) {
	if err := s.Authz.Can(ctx, actor.Subject, authz.JobRetry.Action, authz.JobRetry.On()); err != nil {
		return nil, err
	}
	now := s.clock().Now().UTC()
	var out *job.Job
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		j := new(job.Job)
		q := tx.NewSelect().Model(j).Where("id = ?", id)
		if db.IsPostgres(tx) {
			q.For("UPDATE")
		}
		if err := q.Scan(ctx); errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Diesen Hintergrundauftrag gibt es nicht.")
		} else if err != nil {
			return fmt.Errorf("load job %d: %w", id, err)
		}
		if j.Attempts != attempts {
			return apperr.New(apperr.Conflict, "Der Auftrag #%d hat sich inzwischen geändert (%d Versuche statt %d); bitte die Seite neu laden.", j.ID, j.Attempts, attempts)
		}
		// A failed job, or one that waits for its next attempt after a
		// failure; one that is due anyway (a retry clicked twice) is not.
		backingOff := j.State == job.StatePending && j.Attempts > 0 && j.RunAt != nil && j.RunAt.After(now)
		if j.State != job.StateFailed && !backingOff {
			return apperr.New(apperr.Conflict, "Der Auftrag #%d wartet auf keinen neuen Versuch: er ist erledigt, läuft oder ist schon fällig.", j.ID)
		}
		res, err := tx.NewUpdate().Model((*job.Job)(nil)).
			Set("state = ?, run_at = ?, done_at = NULL, locked_by = '', locked_until = NULL", job.StatePending, now).
			Set("max_attempts = CASE WHEN max_attempts > attempts THEN max_attempts ELSE attempts + 1 END").
			Where("id = ? AND state = ? AND attempts = ?", j.ID, j.State, j.Attempts).Exec(ctx)
		if err != nil {
			return fmt.Errorf("retry job %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Der Auftrag #%d hat sich inzwischen geändert; bitte die Seite neu laden.", j.ID)
		}
		u := actor.User
		if err := audit.Write(ctx, tx, audit.Record{Actor: audit.Actor{UserID: u.ID, Email: u.Email, OrgID: u.OrgID}, Action: "job.retry",
			Entity: "job", EntityID: j.ID, Detail: map[string]any{"kind": j.Kind, "state": j.State, "attempts": j.Attempts, "last_error": j.LastError}}); err != nil {
			return err
		}
		out, err = job.Get(ctx, tx, j.ID)
		return err
	})
	return out, err
}
