package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// DefaultAxePath is where .ci/run installs the pinned axe-core from the npm
// registry, outside the repository, so that the repository carries no
// vendored third-party script.
const DefaultAxePath = "/tmp/axe/node_modules/axe-core/axe.min.js"

// WCAG21AA are the axe-core tags of the rules for WCAG 2.1 levels A and AA,
// the level public bodies in Germany must meet (BITV 2.0).
var WCAG21AA = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeNotice makes the skip for a missing axe-core explain itself once per
// test binary.
var axeNotice sync.Once

// AxeSource returns the axe-core script named by COOPSHOP_AXE_JS (default
// DefaultAxePath). Without it the test skips with a notice, or fails when
// COOPSHOP_REQUIRE_TOOLS=1, as with a missing Chromium. Call it before
// Start, so that a skip costs nothing.
func AxeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("COOPSHOP_AXE_JS")
	if path == "" {
		path = DefaultAxePath
	}
	src, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("COOPSHOP_REQUIRE_TOOLS") == "1" {
			t.Fatalf("axe-core required but not readable: %v (install with npm install --prefix /tmp/axe axe-core@4.10.3 or set COOPSHOP_AXE_JS)", err)
		}
		axeNotice.Do(func() {
			os.Stderr.WriteString("browsertest: no axe-core at " + path + ": accessibility tests skipped (set COOPSHOP_AXE_JS)\n")
		})
		t.Skipf("no axe-core: %v", err)
	}
	return string(src)
}

// AxeViolation is one failed axe-core rule on the page, with the elements
// it failed on, enough to find and fix it.
type AxeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// String names the rule and the elements, one per line.
func (v AxeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " "))
	}
	return b.String()
}

// Axe injects axe-core (the source from AxeSource) into the current page
// and returns the violations of the rules with the given tags.
func (b *Browser) Axe(src string, tags []string) []AxeViolation {
	b.t.Helper()
	tagJSON, _ := json.Marshal(tags)
	// Evaluated as a script of the page, not added to its DOM, so axe does
	// not scan itself; a page that loaded it before keeps the first copy.
	b.Do(chromedp.Evaluate[chromedp.Void]("if (!window.axe) {\n" + src + "\n}"))
	script := `axe.run(document, {runOnly: {type: "tag", values: ` + string(tagJSON) + `}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations))`
	raw := Run(b, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	var out []AxeViolation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		b.t.Fatalf("browsertest: axe result: %v", err)
	}
	return out
}

// SetViewport resizes the tab's viewport to width×height CSS pixels, such
// as 390×844 for a phone held upright. It stays a desktop viewport (no
// mobile zoom-out), so a page wider than the screen shows as overflow
// instead of being shrunk to fit.
func (b *Browser) SetViewport(width, height int64) {
	b.t.Helper()
	b.Do(chromedp.EmulateViewport(width, height))
}

// HorizontalOverflow reports by how many CSS pixels the page is wider
// than the viewport: anything above 0 means the user must scroll sideways.
func (b *Browser) HorizontalOverflow() int64 {
	b.t.Helper()
	return Run(b, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - window.innerWidth`))
}
