package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/gofiber/fiber/v2"
)

// openAPIFiles are the parts of the API description: base.json with the
// common components, and one file per domain (catalog.json, orders.json, …)
// whose paths and components are merged into it at start.
// openapi_test.go checks that every /api/v1 route the app serves is in it.
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

func buildOpenAPI() ([]byte, error) {
	var doc map[string]any
	base, err := openAPIFiles.ReadFile("openapi/base.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi/base.json: %w", err)
	}
	parts, _ := fs.Glob(openAPIFiles, "openapi/*.json")
	for _, p := range parts {
		if p == "openapi/base.json" {
			continue
		}
		b, _ := openAPIFiles.ReadFile(p)
		var part map[string]any
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		mergeInto(doc, part)
	}
	return json.MarshalIndent(doc, "", "  ")
}

// mergeInto adds src's maps to dst's, recursively; src wins on leaves.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		sm, sok := v.(map[string]any)
		dm, dok := dst[k].(map[string]any)
		if sok && dok {
			mergeInto(dm, sm)
			continue
		}
		dst[k] = v
	}
}

// openAPI is GET /api/v1/openapi.json: the merged API description.
func (h *Handler) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(h.openAPIDoc)
}
