package catalog

import (
	"context"
	"errors"
	"io"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
)

// ImportReport says what an import did, or would do (DryRun), or why it did
// nothing (Errors). An import is all or nothing: with any error, nothing
// was written.
type ImportReport struct {
	Kind              string     `json:"kind"`
	Rows              int        `json:"rows"`    // data rows of the file
	Created           int        `json:"created"` // new products or contract lines
	Updated           int        `json:"updated"` // existing ones overwritten
	CategoriesCreated []string   `json:"categories_created"`
	Errors            []RowError `json:"errors"`      // the first 200
	MoreErrors        int        `json:"more_errors"` // errors beyond those listed
	DryRun            bool       `json:"dry_run"`
}

// OK tells whether the file was free of errors.
func (r ImportReport) OK() bool { return len(r.Errors) == 0 }

// Imported tells whether the catalog was changed.
func (r ImportReport) Imported() bool { return r.OK() && !r.DryRun }

// ErrorCount is the number of errors, listed or not.
func (r ImportReport) ErrorCount() int { return len(r.Errors) + r.MoreErrors }

// importBatch is the number of rows per bulk statement: large enough that
// 10 000 rows take 20 round trips, small enough for any statement limit.
const importBatch = 500

// errRejected rolls the transaction back when the database disagrees with
// a file that parsed cleanly; the report carries the reasons.
var errRejected = errors.New("import rejected")

// Import reads a CSV file of products or contract lines (kind
// ImportProducts or ImportContractLines) and writes it in one transaction
// with one audit entry. Every row is checked first, against the file and
// the database; if any is wrong nothing is written and the report lists
// the errors. A dry run checks and counts without writing. The caller has
// checked the actor's permission (catalog or contract manage).
func Import(ctx context.Context, bdb *bun.DB, actor audit.Actor, kind string, r io.Reader, dryRun bool) (ImportReport, error) {
	rep := ImportReport{Kind: kind, DryRun: dryRun, Errors: []RowError{}, CategoriesCreated: []string{}}
	var err error
	switch kind {
	case ImportProducts:
		err = importProducts(ctx, bdb, actor, r, &rep)
	case ImportContractLines:
		err = importContractLines(ctx, bdb, actor, r, &rep)
	default:
		return rep, apperr.Fields("Unbekannte Importart.", apperr.FieldError{Field: "kind", Message: "Erlaubt sind „products“ (Produkte) und „contract_lines“ (Vertragspositionen)."})
	}
	if errors.Is(err, errRejected) {
		err = nil
	}
	if !rep.OK() {
		rep.Created, rep.Updated, rep.CategoriesCreated = 0, 0, []string{}
	}
	return rep, err
}

// inChunks calls fn with consecutive parts of vals of at most importBatch.
func inChunks[T any](vals []T, fn func(part []T) error) error {
	for len(vals) > 0 {
		n := min(len(vals), importBatch)
		if err := fn(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

// ---- products ----
