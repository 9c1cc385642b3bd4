// Package views holds the HTML templates, embedded in the binary and all
// parsed at start, so a broken template stops the program before it serves.
package views

import "embed"

// FS holds the templates.
//
//go:embed *.html layouts/*.html
var FS embed.FS
