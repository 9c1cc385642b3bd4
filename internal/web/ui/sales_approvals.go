package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// approvalRow is one version waiting for the sales lead's approval on the
// page „Freigaben“.
type approvalRow struct {
	Q           *quote.Quote
	Since       int    // whole days since it was submitted
	MaxDiscount string // the largest line discount, "15" (percent), "" without one
	Reasons     []string
	OnBehalfOf  *account.User // the sales lead the viewer stands in for, nil in their own name
	Comment     string        // typed into its form before an error
	Error       string        // the error of its last step (redirect after POST)
}

// salesApprovalsPage is GET /sales/approvals, „Freigaben“: the versions
// waiting for the internal approval that the viewer may give (also as
// the deputy of a sales lead), oldest submission first, with approve and
// return directly; the steps come back here (next), a refusal with its
// message at the version.
func (h *Handler) salesApprovalsPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	qs, err := h.Quotes.ApprovalInbox(c.UserContext(), *p)
	if err != nil {
		return err
	}
	fs := h.TakeForm(c)
	rows := make([]approvalRow, 0, len(qs))
	for _, q := range qs {
		r := approvalRow{Q: q, Reasons: q.ApprovalReasons(), OnBehalfOf: h.Quotes.ApprovingFor(*p, q)}
		since := q.UpdatedAt
		if q.SubmittedAt != nil {
			since = *q.SubmittedAt
		}
		r.Since = max(0, h.ageDays(since))
		var maxBP int64
		for _, l := range q.Lines {
			maxBP = max(maxBP, l.DiscountBP)
		}
		if maxBP > 0 {
			r.MaxDiscount = quote.Percent(maxBP)
		}
		if fs != nil && fs.Value("_quote") == strconv.FormatInt(q.ID, 10) {
			r.Comment, r.Error = fs.Value("comment"), fs.Error
			fs = nil
		}
		rows = append(rows, r)
	}
	data := fiber.Map{"Title": "Freigaben", "Rows": rows, "StandingIn": p.StandingIn()}
	if fs != nil {
		data["Error"] = fs.Error // a version that is no longer in the list
	}
	return h.Render(c, "sales_approvals", data)
}
