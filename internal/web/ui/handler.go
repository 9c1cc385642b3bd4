// Package ui is the HTML side of the shop: the pages and forms, one file
// per action (order_approve.go, quote_edit.go, …), and their route table
// (routes.go) that internal/app hands to web.New. Rendering, errors,
// sessions and the request helpers come from the kit, internal/web.
package ui

import "coopshop/internal/web"

// Handler holds what the page handlers use: the kit's dependencies, whose
// Render, Flash and step dispatch they call.
type Handler struct {
	web.Deps
}

// New builds the page handlers over d.
func New(d web.Deps) *Handler {
	return &Handler{Deps: web.Defaults(d)}
}
