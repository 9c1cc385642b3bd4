package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// contractCallOffsPage is GET /contracts/:id/call-offs?from=&to=: the
// call-off report of a contract by month, member and product (catalog
// managers and sales every member's rows, a member its own), with
// ?format=csv the same as a CSV download for Excel.
func (h *Handler) contractCallOffsPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	format, from, to, err := api.CallOffQuery(c)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	rep, err := h.Catalog.CallOffs(c.UserContext(), *p, id, from, to)
	if err != nil {
		return err
	}
	if format == "csv" {
		return api.SendCallOffsCSV(c, rep)
	}
	q := url.Values{"format": {"csv"}}
	if !from.IsZero() {
		q.Set("from", from.String())
	}
	if !to.IsZero() {
		q.Set("to", to.String())
	}
	return h.Render(c, "contract_calloffs", fiber.Map{"Title": "Abrufe " + rep.Contract.Number, "R": rep,
		"From": from, "To": to, "CSV": "/contracts/" + c.Params("id") + "/call-offs?" + q.Encode(),
		"Provider": h.Catalog.ViewerFor(*p).Provider()})
}
