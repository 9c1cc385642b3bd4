package document

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// Stored is an issued document as the documents table keeps it: the PDF
// exactly as it went out, so that every download gives the same bytes even
// after the renderer, the font or the master data changed.
type Stored struct {
	bun.BaseModel `bun:"table:documents,alias:doc"`

	ID       int64  `bun:"id,pk,autoincrement"`
	Entity   string `bun:"entity"`    // "order", "quote", "invoice"
	EntityID int64  `bun:"entity_id"` // the entity's id
	// Version is the quote's version number, or the entity's version when
	// the document was issued; a later issue of the same kind (a corrected
	// document) takes a higher one.
	Version   int64         `bun:"version"`
	Kind      Kind          `bun:"kind"`
	Number    string        `bun:"number"` // as printed: "AN-2026-000045 v2"
	FileName  string        `bun:"file_name"`
	Date      calendar.Date `bun:"doc_date,type:text"`
	OrgID     *int64        `bun:"organisation_id"` // the member it is addressed to
	SHA256    string        `bun:"sha256"`          // hex of the bytes
	Size      int64         `bun:"size"`
	Bytes     []byte        `bun:"bytes"`
	CreatedAt time.Time     `bun:"created_at"`
}

// Ref names what a document is issued for.
type Ref struct {
	Entity   string
	EntityID int64
	Version  int64
	OrgID    int64 // 0: none
}

// File is a PDF ready to be served: stored or rendered on the fly.
type File struct {
	Name   string // "AN-2026-000045-v2.pdf"
	Bytes  []byte
	SHA256 string // hex; doubles as the HTTP ETag
	Issued bool   // true when it comes from the store
}

// FileName is the download name of d: its printed number with the version,
// spaces as dashes, "AN-2026-000045-v2.pdf". The order request and the
// order confirmation print the same order number; the request's name
// says what it is ("BA-2026-000003-Anforderung.pdf"), so that the two
// never share a file name (delivery notes have numbers of their own).
func FileName(d Document) string {
	name := strings.ReplaceAll(d.DisplayNumber(), " ", "-")
	if d.Kind == KindOrderRequest {
		name += "-Anforderung"
	}
	return name + ".pdf"
}

// Checksum is the hex SHA-256 of a PDF.
func Checksum(pdf []byte) string {
	sum := sha256.Sum256(pdf)
	return hex.EncodeToString(sum[:])
}

// Preview renders d on the fly, for drafts and documents that are never
// issued (the order request): nothing is stored.
func Preview(d Document) (*File, error) {
	pdf, err := Render(d)
	if err != nil {
		return nil, err
	}
	return &File{Name: FileName(d), Bytes: pdf, SHA256: Checksum(pdf)}, nil
}

// File returns the stored document for serving.
func (s *Stored) File() *File {
	return &File{Name: s.FileName, Bytes: s.Bytes, SHA256: s.SHA256, Issued: true}
}

// Issue renders d and stores it for ref inside the caller's transaction,
// so the document exists exactly when the step that issues it commits. A
// document of the same kind and version that is already stored is
// returned as it is when its bytes are the same, and refused (conflict)
// when they differ: an issued document never changes.
func Issue(ctx context.Context, idb bun.IDB, ref Ref, d Document) (*Stored, error) {
	if d.Draft {
		return nil, fmt.Errorf("%w: a draft is never issued", ErrInvalid)
	}
	pdf, err := Render(d)
	if err != nil {
		return nil, err
	}
	s := &Stored{Entity: ref.Entity, EntityID: ref.EntityID, Version: ref.Version, Kind: d.Kind,
		Number: d.DisplayNumber(), FileName: FileName(d), Date: calendar.Of(d.Date), Bytes: pdf}
	if ref.OrgID != 0 {
		org := ref.OrgID
		s.OrgID = &org
	}
	if err := Save(ctx, idb, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Save stores s with its checksum and size. See Issue for a document that
// is stored already.
func Save(ctx context.Context, idb bun.IDB, s *Stored) error {
	s.SHA256 = Checksum(s.Bytes)
	s.Size = int64(len(s.Bytes))
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now().UTC()
	}
	if _, err := idb.NewInsert().Model(s).On("CONFLICT (entity, entity_id, kind, version) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store document %s: %w", s.Number, err)
	}
	if s.ID != 0 {
		return nil
	}
	// The row existed: the same document issued twice is fine, a different
	// one under the same key is not.
	prior, err := Get(ctx, idb, s.Entity, s.EntityID, s.Kind, s.Version)
	if err != nil {
		return err
	}
	if prior.SHA256 != s.SHA256 {
		return apperr.New(apperr.Conflict, "%s %s ist bereits mit anderem Inhalt ausgestellt.", s.Kind, s.Number)
	}
	*s = *prior
	return nil
}

var errNoDocument = apperr.New(apperr.NotFound, "Dokument nicht gefunden.")

// Get loads one stored document.
func Get(ctx context.Context, idb bun.IDB, entity string, entityID int64, kind Kind, version int64) (*Stored, error) {
	s := new(Stored)
	err := idb.NewSelect().Model(s).
		Where("entity = ? AND entity_id = ? AND kind = ? AND version = ?", entity, entityID, kind, version).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDocument
	}
	if err != nil {
		return nil, fmt.Errorf("load document: %w", err)
	}
	return s, nil
}

// Latest loads the newest stored document of a kind for an entity; a
// NotFound apperr when there is none.
func Latest(ctx context.Context, idb bun.IDB, entity string, entityID int64, kind Kind) (*Stored, error) {
	s := new(Stored)
	err := idb.NewSelect().Model(s).
		Where("entity = ? AND entity_id = ? AND kind = ?", entity, entityID, kind).
		OrderExpr("version DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDocument
	}
	if err != nil {
		return nil, fmt.Errorf("load document: %w", err)
	}
	return s, nil
}

// Info is an issued document without its bytes, for listings: stored,
// or (Pending) waiting for its issue job.
type Info struct {
	Kind     Kind
	Version  int64
	Number   string
	FileName string
	Date     calendar.Date
	SHA256   string // empty while pending
	Pending  bool
}

// List lists the documents issued for an entity, stored or pending,
// ordered by kind and version, without loading a PDF.
func List(ctx context.Context, idb bun.IDB, entity string, entityID int64) ([]Info, error) {
	var stored []Stored
	if err := idb.NewSelect().Model(&stored).Column("kind", "version", "number", "file_name", "doc_date", "sha256").
		Where("entity = ? AND entity_id = ?", entity, entityID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	out := make([]Info, 0, len(stored))
	seen := map[string]bool{}
	for _, s := range stored {
		out = append(out, Info{Kind: s.Kind, Version: s.Version, Number: s.Number, FileName: s.FileName, Date: s.Date, SHA256: s.SHA256})
		seen[fmt.Sprintf("%s:%d", s.Kind, s.Version)] = true
	}
	reqs, err := pending(ctx, idb, entity, entityID, "", 0)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		k := r.Document.Kind
		if key := fmt.Sprintf("%s:%d", k, r.Ref.Version); !seen[key] {
			seen[key] = true
			out = append(out, Info{Kind: k, Version: r.Ref.Version, Number: r.Document.DisplayNumber(), FileName: FileName(r.Document),
				Date: calendar.Of(r.Document.Date), Pending: true})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return slices.Index(Kinds, out[i].Kind) < slices.Index(Kinds, out[j].Kind)
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// Exists tells whether a document of a kind is issued for an entity:
// stored, or waiting for its issue job (IssueLater), without loading or
// rendering it.
func Exists(ctx context.Context, idb bun.IDB, entity string, entityID int64, kind Kind) (bool, error) {
	ok, err := idb.NewSelect().Model((*Stored)(nil)).
		Where("entity = ? AND entity_id = ? AND kind = ?", entity, entityID, kind).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("document exists: %w", err)
	}
	if ok {
		return true, nil
	}
	reqs, err := pending(ctx, idb, entity, entityID, kind, 0)
	return len(reqs) > 0, err
}
