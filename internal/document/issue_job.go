package document

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/job"
)

// KindIssue is the job kind that renders and stores a document after the
// step that issued it has committed: gofpdf no longer runs inside the
// write transaction (on SQLite every writer would queue behind it).
const KindIssue = "document.issue"

// issueRequest is the payload of a KindIssue job: what the document is
// issued for and the document itself as the step built it from its data.
// Rendering it is pure, so the job and a download that comes first give
// the same bytes.
type issueRequest struct {
	Ref      Ref      `json:"ref"`
	Document Document `json:"document"`
}

// IssueLater issues d for ref inside the step's transaction without
// rendering it: a KindIssue job (once per document identity) renders and
// stores it after the commit. Until then GetIssued, LatestIssued and
// Exists treat the document as issued: a download renders and stores it
// itself, with the same bytes.
func IssueLater(ctx context.Context, idb bun.IDB, ref Ref, d Document) error {
	if d.Draft {
		return fmt.Errorf("%w: a draft is never issued", ErrInvalid)
	}
	if err := d.Validate(); err != nil { // fail the step, not the job
		return err
	}
	key := fmt.Sprintf("%s:%s:%d:%s:%d", KindIssue, ref.Entity, ref.EntityID, d.Kind, ref.Version)
	return job.Enqueue(ctx, idb, KindIssue, issueRequest{Ref: ref, Document: d}, job.About(ref.Entity, ref.EntityID), job.Dedupe(key))
}

// Register gives a job runner the handler of KindIssue over bdb.
func Register(r *job.Runner, bdb *bun.DB) {
	r.Handle(KindIssue, func(ctx context.Context, j *job.Job) error {
		var req issueRequest
		if err := j.Decode(&req); err != nil {
			return err
		}
		_, err := Issue(ctx, bdb, req.Ref, req.Document)
		return err
	})
}

// pending lists the issue requests of a kind for an entity whose jobs have
// not stored them yet; kind "" means any kind, version 0 any version.
func pending(ctx context.Context, idb bun.IDB, entity string, entityID int64, kind Kind, version int64) ([]issueRequest, error) {
	jobs, err := job.ForEntity(ctx, idb, KindIssue, entity, entityID, false)
	if err != nil {
		return nil, err
	}
	var out []issueRequest
	for _, j := range jobs {
		if j.State == job.StateDone {
			continue
		}
		var req issueRequest
		if err := j.Decode(&req); err != nil {
			return nil, err
		}
		if (kind == "" || req.Document.Kind == kind) && (version == 0 || req.Ref.Version == version) {
			out = append(out, req)
		}
	}
	return out, nil
}

// issuePending renders and stores what pending found, as the job would.
func issuePending(ctx context.Context, idb bun.IDB, entity string, entityID int64, kind Kind, version int64) error {
	reqs, err := pending(ctx, idb, entity, entityID, kind, version)
	if err != nil {
		return err
	}
	for _, req := range reqs {
		if _, err := Issue(ctx, idb, req.Ref, req.Document); err != nil {
			return err
		}
	}
	return nil
}

// GetIssued is Get for a download: a document whose issue job has not run
// yet is rendered and stored now (the job then finds it stored), so an
// issued document is never a 404.
func GetIssued(ctx context.Context, idb bun.IDB, entity string, entityID int64, kind Kind, version int64) (*Stored, error) {
	s, err := Get(ctx, idb, entity, entityID, kind, version)
	if apperr.CodeOf(err) != apperr.NotFound {
		return s, err
	}
	if err := issuePending(ctx, idb, entity, entityID, kind, version); err != nil {
		return nil, err
	}
	return Get(ctx, idb, entity, entityID, kind, version)
}

// LatestIssued is Latest for a download, issuing first what is pending
// (see GetIssued).
func LatestIssued(ctx context.Context, idb bun.IDB, entity string, entityID int64, kind Kind) (*Stored, error) {
	if err := issuePending(ctx, idb, entity, entityID, kind, 0); err != nil {
		return nil, err
	}
	return Latest(ctx, idb, entity, entityID, kind)
}
