package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/job"
)

// KindNightly is the job of the nightly backup of the embedded database.
// Each night's job enqueues the next night's first (deduplicated by the
// day), then writes the copy and deletes the oldest beyond Keep.
const KindNightly = "backup.nightly"

// nightlyHour and nightlyMinute are when the nightly copy is due, Berlin
// time: after the day's work, before the 04:00–07:00 rounds of the other
// jobs.
const nightlyHour, nightlyMinute = 2, 30

// nightlyName is how the nightly job names its copies; only files of this
// shape are ever deleted by it (a copy an operator put there by hand
// stays).
var nightlyName = regexp.MustCompile(`^coopshop-\d{8}-\d{6}\.db$`)

// Nightly keeps the last Keep nightly copies of the embedded database in
// Dir. On PostgreSQL, or with Keep 0, it does nothing (pg_dump is the
// operator's).
type Nightly struct {
	DB    *bun.DB
	Dir   string
	Keep  int
	Clock clock.Clock
	Log   *slog.Logger
}

type nightlyPayload struct {
	Day string `json:"day"`
}

// Enabled tells whether nightly copies are written: SQLite and Keep > 0.
func (n *Nightly) Enabled() bool {
	return n != nil && n.Keep > 0 && n.Dir != "" && !db.IsPostgres(n.DB)
}

// Register gives the job runner the nightly backup's handler.
func (n *Nightly) Register(r *job.Runner) {
	r.Handle(KindNightly, func(ctx context.Context, j *job.Job) error {
		var p nightlyPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		day, err := calendar.Parse(p.Day)
		if err != nil {
			return job.Permanent(err)
		}
		if !n.Enabled() {
			return nil // switched off since it was scheduled
		}
		if err := n.schedule(ctx, day.AddDays(1)); err != nil {
			return err
		}
		file, _, err := n.Run(ctx)
		if err != nil {
			return err
		}
		n.log().Info("nightly backup written", "file", file)
		return nil
	})
}

// Schedule makes sure the next night's job is pending (internal/app calls
// it at start; enqueueing is deduplicated, so every process may).
func (n *Nightly) Schedule(ctx context.Context) error {
	if !n.Enabled() {
		return nil
	}
	now := n.clock().Now()
	day := clock.Today(n.clock())
	if !now.Before(n.due(day)) {
		day = day.AddDays(1)
	}
	return n.schedule(ctx, day)
}

func (n *Nightly) due(day calendar.Date) time.Time {
	t := day.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), nightlyHour, nightlyMinute, 0, 0, calendar.Berlin)
}

func (n *Nightly) schedule(ctx context.Context, day calendar.Date) error {
	return job.Enqueue(ctx, n.DB, KindNightly, nightlyPayload{Day: day.String()}, job.RunAt(n.due(day)),
		job.Dedupe(KindNightly+":"+day.String()), job.WithClock(n.clock()), job.MaxAttempts(5))
}

// Run writes one copy into Dir now (named by the time, in Berlin) and
// deletes the oldest nightly copies beyond Keep; it answers the file and
// the files deleted.
func (n *Nightly) Run(ctx context.Context) (string, []string, error) {
	now := n.clock().Now()
	file := filepath.Join(n.Dir, "coopshop-"+now.In(calendar.Berlin).Format("20060102-150405")+".db")
	if _, err := Create(ctx, n.DB, file, now); err != nil {
		return "", nil, err
	}
	removed, err := Prune(n.Dir, n.Keep)
	return file, removed, err
}

func (n *Nightly) clock() clock.Clock {
	if n.Clock != nil {
		return n.Clock
	}
	return clock.System()
}

func (n *Nightly) log() *slog.Logger {
	if n.Log != nil {
		return n.Log
	}
	return slog.Default()
}

// Prune deletes the oldest nightly copies in dir beyond keep (only files
// named as the nightly job names them) and answers their names.
func Prune(dir string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var nightly []string
	for _, e := range entries {
		if e.Type().IsRegular() && nightlyName.MatchString(e.Name()) {
			nightly = append(nightly, e.Name())
		}
	}
	slices.Sort(nightly) // the name is the time
	var removed []string
	for len(nightly) > keep {
		if err := os.Remove(filepath.Join(dir, nightly[0])); err != nil {
			return removed, fmt.Errorf("delete old backup: %w", err)
		}
		removed = append(removed, nightly[0])
		nightly = nightly[1:]
	}
	return removed, nil
}

// File is one backup in the backup directory, as the operator's page
// lists it.
type File struct {
	Name    string
	Size    int64
	ModTime time.Time
	// Nightly tells that the nightly job wrote it (and will delete it in
	// its turn).
	Nightly bool
}

// List answers the backups in dir (*.db files), newest first; a missing
// directory is no error (nothing was backed up yet).
func List(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".db") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, File{Name: e.Name(), Size: info.Size(), ModTime: info.ModTime(), Nightly: nightlyName.MatchString(e.Name())})
	}
	slices.SortFunc(out, func(a, b File) int { return b.ModTime.Compare(a.ModTime) })
	return out, nil
}
