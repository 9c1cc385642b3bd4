package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/job"
	"coopshop/internal/web"
)

// jobJSON is a background job as the operator's API shows it: no payload
// (mails carry personal data; /admin/mails shows them to admin).
type jobJSON struct {
	ID       int64     `json:"id"`
	Kind     string    `json:"kind"`
	State    job.State `json:"state"`
	Attempts int       `json:"attempts"`
	// Version is the attempts again: what a retry names as the version
	// it saw.
	Version     int        `json:"version"`
	MaxAttempts int        `json:"max_attempts"`
	LastError   string     `json:"last_error"`
	Entity      string     `json:"entity"`
	EntityID    int64      `json:"entity_id"`
	RunAt       *time.Time `json:"run_at"`
	DoneAt      *time.Time `json:"done_at"`
	CreatedAt   time.Time  `json:"created_at"`
}

func jobOf(j *job.Job) jobJSON {
	return jobJSON{ID: j.ID, Kind: j.Kind, State: j.State, Attempts: j.Attempts, Version: j.Attempts, MaxAttempts: j.MaxAttempts, LastError: j.LastError,
		Entity: j.Entity, EntityID: j.EntityID, RunAt: j.RunAt, DoneAt: j.DoneAt, CreatedAt: j.CreatedAt}
}

func jobsOf(js []*job.Job) []jobJSON {
	out := make([]jobJSON, len(js))
	for i, j := range js {
		out[i] = jobOf(j)
	}
	return out
}

type kindJSON struct {
	Kind      string `json:"kind"`
	Due       int    `json:"due"`
	Scheduled int    `json:"scheduled"`
	Running   int    `json:"running"`
	Failed    int    `json:"failed"`
	Done      int    `json:"done"`
}

type backupJSON struct {
	Name       string    `json:"name"`
	SizeBytes  int64     `json:"size_bytes"`
	ModifiedAt time.Time `json:"modified_at"`
	Nightly    bool      `json:"nightly"`
}

type migrationJSON struct {
	Version   int        `json:"version"`
	Name      string     `json:"name"`
	AppliedAt *time.Time `json:"applied_at"`
	Changed   bool       `json:"changed"`
}

// operationsJSON is GET /api/v1/operations: what the page "Betrieb" shows,
// for monitoring scripts.
type operationsJSON struct {
	Jobs         []kindJSON `json:"jobs"`
	FailedJobs   []jobJSON  `json:"failed_jobs"`
	RetryingJobs []jobJSON  `json:"retrying_jobs"`
	Mails        struct {
		Sent    int `json:"sent"`
		Waiting int `json:"waiting"`
		Failed  int `json:"failed"`
	} `json:"mails"`
	Backups    []backupJSON `json:"backups"`
	BackupDir  string       `json:"backup_dir"`
	BackupKeep int          `json:"backup_keep"`
	BackupNote string       `json:"backup_note"`
	Database   struct {
		Dialect   string `json:"dialect"`
		File      string `json:"file"`
		SizeBytes int64  `json:"size_bytes"`
	} `json:"database"`
	Migrations        []migrationJSON `json:"migrations"`
	PendingMigrations int             `json:"pending_migrations"`
}

// apiOperations is GET /api/v1/operations (admin): jobs by kind and state,
// failed and backing-off jobs, mails, backups, database size, migrations.
func (h *Handler) apiOperations(c *fiber.Ctx) error {
	o, err := h.Operations.Overview(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	out := operationsJSON{Jobs: []kindJSON{}, FailedJobs: jobsOf(o.Failed), RetryingJobs: jobsOf(o.Retrying), Backups: []backupJSON{},
		BackupDir: o.BackupDir, BackupKeep: o.BackupKeep, BackupNote: o.BackupNote, Migrations: []migrationJSON{}, PendingMigrations: o.Pending}
	for _, k := range o.Kinds {
		out.Jobs = append(out.Jobs, kindJSON{Kind: k.Kind, Due: k.Due, Scheduled: k.Scheduled, Running: k.Running, Failed: k.Failed, Done: k.Done})
	}
	out.Mails.Sent, out.Mails.Waiting, out.Mails.Failed = o.Mails.Sent, o.Mails.Waiting, o.Mails.Failed
	for _, b := range o.Backups {
		out.Backups = append(out.Backups, backupJSON{Name: b.Name, SizeBytes: b.Size, ModifiedAt: b.ModTime.UTC(), Nightly: b.Nightly})
	}
	out.Database.Dialect, out.Database.File, out.Database.SizeBytes = o.Database.Dialect, o.Database.File, o.Database.SizeBytes
	for _, m := range o.Migrations {
		out.Migrations = append(out.Migrations, migrationJSON{Version: m.Version, Name: m.Name, AppliedAt: m.AppliedAt, Changed: m.Changed})
	}
	return c.JSON(out)
}

// apiJobRetry is POST /api/v1/jobs/{id}/retry {"version"} (admin): the
// failed or backing-off job runs again now. A job's version is its number
// of attempts (each claim counts one): missing or 0 is a 422, another one
// than the job has a 409.
func (h *Handler) apiJobRetry(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct{ web.Versioned }
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	j, err := h.Operations.Retry(c.UserContext(), *web.Principal(c), id, int(version))
	if err != nil {
		return err
	}
	return c.JSON(jobOf(j))
}
