package api

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// lineParams reads {id} and {line_id} of a contract line path.
func lineParams(c *fiber.Ctx) (contractID, lineID int64, err error) {
	if contractID, err = web.ParamID(c, "id"); err != nil {
		return 0, 0, err
	}
	lineID, err = web.ParamID(c, "line_id")
	return contractID, lineID, err
}

// apiQuotaTransfer is POST /api/v1/contracts/{id}/lines/{line_id}/quota-transfers
// {"version","from_member_id","to_member_id","quantity"} (catalog
// managers): unused quota moves from one member to another; 201 with the
// contract at its new version, 409 on a stale version, 422 when more than
// is unused.
func (h *Handler) apiQuotaTransfer(c *fiber.Ctx) error {
	id, lineID, err := lineParams(c)
	if err != nil {
		return err
	}
	var in catalog.Transfer
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p := web.Principal(c)
	ct, err := h.Catalog.TransferQuota(c.UserContext(), *p, id, lineID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(NewContractJSON(ct, h.Catalog.ViewerFor(*p), h.Catalog.Today()))
}

// memberQuotasInput is the body of PUT …/member-quotas.
type memberQuotasInput struct {
	Version      int64                      `json:"version"`
	MemberQuotas []catalog.MemberQuotaInput `json:"member_quotas"`
}

// apiMemberQuotas is PUT /api/v1/contracts/{id}/lines/{line_id}/member-quotas
// {"version","member_quotas":[{"member_id","quota"}]} (contract manage):
// the line's named member quotas as a whole; a member left out (or with
// quota null) orders against the total only.
func (h *Handler) apiMemberQuotas(c *fiber.Ctx) error {
	id, lineID, err := lineParams(c)
	if err != nil {
		return err
	}
	var in memberQuotasInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p := web.Principal(c)
	ct, err := h.Catalog.SetMemberQuotas(c.UserContext(), *p, id, in.Version, lineID, in.MemberQuotas)
	if err != nil {
		return err
	}
	return c.JSON(NewContractJSON(ct, h.Catalog.ViewerFor(*p), h.Catalog.Today()))
}

// CallOffsJSON is a contract's call-off report.
type CallOffsJSON struct {
	ContractID     int64             `json:"contract_id"`
	ContractNumber string            `json:"contract_number"`
	From           *calendar.Date    `json:"from"`
	To             *calendar.Date    `json:"to"`
	Items          []catalog.CallOff `json:"items"`
	Quantity       int64             `json:"quantity"`
	NetCents       int64             `json:"net_cents"`
}

// NewCallOffsJSON is the report in the API's shape.
func NewCallOffsJSON(r *catalog.CallOffReport) CallOffsJSON {
	out := CallOffsJSON{ContractID: r.Contract.ID, ContractNumber: r.Contract.Number, Items: r.Rows, Quantity: r.Quantity, NetCents: r.NetCents}
	if out.Items == nil {
		out.Items = []catalog.CallOff{}
	}
	if !r.From.IsZero() {
		out.From = &r.From
	}
	if !r.To.IsZero() {
		out.To = &r.To
	}
	return out
}

// CallOffQuery reads ?format=json|csv&from=&to= (dates YYYY-MM-DD, both
// optional); a malformed value is a 422 naming it.
func CallOffQuery(c *fiber.Ctx) (format string, from, to calendar.Date, err error) {
	lq := web.NewListQuery(c)
	format = lq.OneOf("format", "json", "csv")
	from, to = listDate(lq, c, "from"), listDate(lq, c, "to")
	if format == "" {
		format = "json"
	}
	return format, from, to, lq.Err()
}

// SendCallOffsCSV answers the report as a CSV download.
func SendCallOffsCSV(c *fiber.Ctx, r *catalog.CallOffReport) error {
	var buf bytes.Buffer
	if err := catalog.WriteCallOffsCSV(&buf, r.Rows); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="abrufe-%s.csv"`, strings.ReplaceAll(r.Contract.Number, "/", "-")))
	return c.Send(buf.Bytes())
}

// apiCallOffs is GET /api/v1/contracts/{id}/call-offs?format=json|csv&from=&to=:
// the call-off report (member × product × quantity × amount by month);
// catalog managers and sales read every member's rows, a member its own.
func (h *Handler) apiCallOffs(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	format, from, to, err := CallOffQuery(c)
	if err != nil {
		return err
	}
	rep, err := h.Catalog.CallOffs(c.UserContext(), *web.Principal(c), id, from, to)
	if err != nil {
		return err
	}
	if format == "csv" {
		return SendCallOffsCSV(c, rep)
	}
	return c.JSON(NewCallOffsJSON(rep))
}
