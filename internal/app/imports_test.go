package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportBoundaries holds the layout of DESIGN §9 with `go list`: only
// internal/web and its sub-packages import fiber, and no web package holds
// a database handle (no bun, internal/db or database/sql). The test
// harnesses that start the whole program over a test database
// (internal/webtest, internal/browsertest) are not web packages.
func TestImportBoundaries(t *testing.T) {
	if testing.Short() {
		t.Skip("go list in -short")
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "coopshop/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const fiber = "github.com/gofiber/" // fiber/v2 and its template engines
	webPkgs := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		isWeb := pkg == "coopshop/internal/web" || strings.HasPrefix(pkg, "coopshop/internal/web/")
		if isWeb {
			webPkgs++
		}
		for _, imp := range imports {
			if strings.HasPrefix(imp, fiber) && !isWeb {
				t.Errorf("%s imports %s; only internal/web… may", pkg, imp)
			}
			if isWeb && (imp == "github.com/uptrace/bun" || strings.HasPrefix(imp, "github.com/uptrace/bun/") ||
				imp == "coopshop/internal/db" || imp == "database/sql") {
				t.Errorf("%s imports %s; web packages go through the domain services", pkg, imp)
			}
		}
	}
	if webPkgs != 3 {
		t.Errorf("found %d web packages, want web, web/ui, web/api", webPkgs)
	}
}
