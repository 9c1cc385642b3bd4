package api_test

import (
	"regexp"
	"strings"
	"testing"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestOpenAPICoversEveryRoute keeps the API document honest: every /api/v1
// route the app serves is described, with the right verb.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	a := webtest.New(t, bdb)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	webtest.NewClient(t, a).Get("/api/v1/openapi.json").JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	param := regexp.MustCompile(`:(\w+)`)
	n := 0
	for _, r := range a.Web.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" {
			continue
		}
		n++
		path := param.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("openapi.json lacks %s %s", r.Method, path)
		}
	}
	if n < 5 {
		t.Fatalf("only %d API routes found", n)
	}
}
