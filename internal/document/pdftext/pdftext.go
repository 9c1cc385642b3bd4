// Package pdftext reads the text of PDFs back in tests, with poppler's
// pdftotext: what a person would see on each page. Without pdftotext a test
// skips, unless COOPSHOP_REQUIRE_TOOLS=1 (as in CI) demands that it runs.
package pdftext

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Pages runs "pdftotext -layout" on pdf and returns its pages (pdftotext
// ends every page with a form feed).
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("COOPSHOP_REQUIRE_TOOLS") == "1" {
			t.Fatalf("pdftotext not installed (COOPSHOP_REQUIRE_TOOLS=1): %v", err)
		}
		t.Skipf("pdftotext not installed: %v (apt-get install poppler-utils)", err)
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	pages := strings.Split(string(out), "\f")
	if last := len(pages) - 1; strings.TrimSpace(pages[last]) == "" {
		pages = pages[:last]
	}
	return pages
}

// Contains reports every want missing from text as a test error.
func Contains(t testing.TB, where, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s: missing %q in:\n%s", where, want, text)
		}
	}
}
