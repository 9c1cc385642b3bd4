package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDoc describes the JSON API; openapi_test.go checks that every
// /api/v1 route of the table is in it.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(openAPIDoc)
}
