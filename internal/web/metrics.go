package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// staticRoute is the pattern of the fingerprinted assets.
const staticRoute = "/static/:hash/*"

// registerMetrics names every route pattern to the request counters, before
// the server serves (they read a finished map on every request).
func (s *Server) registerMetrics(tables [][]Route) {
	if s.Metrics == nil || s.Metrics.Requests == nil {
		return
	}
	s.Metrics.Requests.Route(fiber.MethodGet, staticRoute)
	for _, table := range tables {
		for _, r := range table {
			s.Metrics.Requests.Route(r.Method, r.Path)
		}
	}
}

// countRequest is the first middleware: it times the whole request,
// including logRequest's mapping of an error to its answer, and counts it
// under the pattern of the route that answered; a request no route
// answered (a 404, a refused bearer token) counts as "other".
func (s *Server) countRequest(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	path := ""
	if r := c.Route(); r.Method == c.Method() {
		path = r.Path
	}
	s.Metrics.Requests.Observe(c.Method(), path, c.Response().StatusCode(), time.Since(start))
	return err
}
