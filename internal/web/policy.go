package web

import "github.com/gofiber/fiber/v2"

func (s *Server) policyPage(c *fiber.Ctx) error {
	return s.render(c, "policy", fiber.Map{"Permissions": s.Authz.Permissions()})
}
