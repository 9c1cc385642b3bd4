package ui

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// quotaMemberRow is one eligible member on the quota form of a line.
type quotaMemberRow struct {
	ID        int64
	Name      string
	Quota     string // as typed or stored; "" = no named quota
	Named     bool
	Used      int64
	Remaining int64
	Percent   int
}

// Bar is the member's usage bar.
func (r quotaMemberRow) Bar() api.QuotaBar { return api.QuotaBar{Percent: r.Percent, Label: r.Name} }

// quotaForm is what the quota page of a line shows and takes back.
type quotaForm struct {
	Contract contractRow
	Line     api.ContractLineJSON
	Members  []quotaMemberRow
	// Transfer is the transfer form as typed.
	From, To, Quantity string
}

// contractQuotasPage is GET /catalog/manage/contracts/:id/lines/:line_id/quotas:
// the named member quotas of a pooled line, and moving unused quota.
func (h *Handler) contractQuotasPage(c *fiber.Ctx) error {
	f, err := h.quotaFormOf(c, nil)
	if err != nil {
		return err
	}
	return h.renderQuotaForm(c, f, nil)
}

// quotaFormOf loads the contract line and its eligible members; typed
// (member id → quota as typed) overrides the stored quotas.
func (h *Handler) quotaFormOf(c *fiber.Ctx, typed map[int64]string) (*quotaForm, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return nil, err
	}
	lineID, err := web.ParamID(c, "line_id")
	if err != nil {
		return nil, err
	}
	p := web.Principal(c)
	ct, err := h.Catalog.Contract(c.UserContext(), *p, id)
	if err != nil {
		return nil, err
	}
	rows, err := h.contractRows(c, h.Catalog.ViewerFor(*p), []*catalog.Contract{ct}, h.Catalog.Today())
	if err != nil {
		return nil, err
	}
	f := &quotaForm{Contract: rows[0]}
	found := false
	for _, l := range rows[0].Lines {
		if l.ID == lineID {
			f.Line, found = l, true
		}
	}
	if !found {
		return nil, apperr.New(apperr.NotFound, "Die Vertragsposition gehört nicht zu diesem Rahmenvertrag.")
	}
	used, err := h.Catalog.LineUsage(c.UserContext(), *p, lineID)
	if err != nil {
		return nil, err
	}
	named := map[int64]int64{}
	for _, m := range f.Line.MemberQuotas {
		named[m.MemberID] = m.Quota
	}
	members, err := h.Catalog.Members(c.UserContext(), *p)
	if err != nil {
		return nil, err
	}
	for _, o := range members {
		if !ct.Eligible(o.ID) {
			continue
		}
		r := quotaMemberRow{ID: o.ID, Name: o.Name, Used: used[o.ID]}
		if q, ok := named[o.ID]; ok {
			r.Named, r.Quota, r.Remaining = true, strconv.FormatInt(q, 10), q-r.Used
			if q > 0 {
				r.Percent = int(min(r.Used*100/q, 100))
			}
		}
		if typed != nil {
			r.Quota = typed[o.ID]
		}
		f.Members = append(f.Members, r)
	}
	// The transfer form proposes the first two members with a named quota.
	var named2 []string
	for _, m := range f.Members {
		if m.Named {
			named2 = append(named2, strconv.FormatInt(m.ID, 10))
		}
	}
	if len(named2) >= 2 {
		f.From, f.To = named2[0], named2[1]
	}
	return f, nil
}

// renderQuotaForm shows the quota page, with err's messages when a save
// or transfer failed.
func (h *Handler) renderQuotaForm(c *fiber.Ctx, f *quotaForm, err error) error {
	data := fiber.Map{"Title": fmt.Sprintf("Kontingente: %s, %s", f.Contract.Number, f.Line.SKU), "F": f,
		"CanTransfer": h.Catalog.CanTransferQuota(*web.Principal(c))}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		var msgs []string
		for _, fe := range apperr.FieldsOf(err) {
			msgs = append(msgs, fe.Message)
		}
		data["FieldErrors"] = msgs
	}
	return h.Render(c, "contract_quotas", data)
}
