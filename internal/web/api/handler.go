// Package api is the JSON API under /api/v1 (API.md is its contract): the
// handlers, their JSON shapes (order_json.go, quote_json.go, …) and the
// OpenAPI fragments (openapi/*.json) side by side, and the route table
// (routes.go) that internal/app hands to web.New.
package api

import "coopshop/internal/web"

// Handler holds what the JSON handlers use: the kit's dependencies and the
// OpenAPI document merged at start.
type Handler struct {
	web.Deps
	openAPIDoc []byte
}

// New builds the API's handlers over d; the OpenAPI fragments are merged
// (and checked) here, so that a broken fragment stops the start.
func New(d web.Deps) (*Handler, error) {
	doc, err := buildOpenAPI()
	if err != nil {
		return nil, err
	}
	return &Handler{Deps: web.Defaults(d), openAPIDoc: doc}, nil
}
