// Package static holds the CSS, scripts and images, embedded in the binary
// and served under content-hash URLs.
package static

import "embed"

// FS holds the static files.
//
//go:embed *.css *.js *.svg
var FS embed.FS
