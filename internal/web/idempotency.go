package web

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/idempotency"
)

// IdempotencyOf is what every JSON creation (orders today; invoices, credit
// notes, payments, billing runs later) hands its domain service: the
// Idempotency-Key header and the hash of the canonical body. Call it after
// the body was decoded, so that malformed JSON is a 400 first.
func IdempotencyOf(c *fiber.Ctx) (idempotency.Request, error) {
	return idempotency.FromJSON(c.Get(idempotency.Header), c.Body())
}

// IdempotencyOfForm is the same for a form that carries its key in a
// hidden field: the hash covers every field but the key and the CSRF
// token.
func IdempotencyOfForm(c *fiber.Ctx, key string) (idempotency.Request, error) {
	form := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		form[string(k)] = append(form[string(k)], string(v))
	})
	return idempotency.FromForm(key, form, "_csrf", "idempotency_key")
}
