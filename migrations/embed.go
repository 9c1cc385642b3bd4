// Package migrations holds the numbered SQL schema changes, embedded in the
// binary. See internal/db for the file format and dialect variants.
package migrations

import "embed"

// FS holds every *.sql file of this directory.
//
//go:embed *.sql
var FS embed.FS
