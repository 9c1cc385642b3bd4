package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// contractForm is the contract form as typed.
type contractForm struct {
	ID, Version                                 int64
	Number, Title, Supplier, ValidFrom, ValidTo string
	// SupplierEmail is the supplier's order e-mail (drop shipment).
	SupplierEmail      string
	AllMembers, Active bool
	Members            map[int64]bool
	Lines              []lineForm
}

// lineForm is one row of the lines table; Errors are the row's messages.
type lineForm struct {
	SKU, Name, Price, QuotaTotal, QuotaPerMember, MinQuantity string
	Used                                                      int64
	Errors                                                    []string
}

// blankLines is how many empty rows the form offers for new lines.
const blankLines = 3

// contractFormOf is the form of a stored contract.
func contractFormOf(ct *catalog.Contract) contractForm {
	f := contractForm{
		ID: ct.ID, Version: ct.Version, Number: ct.Number, Title: ct.Title, Supplier: ct.Supplier, SupplierEmail: ct.SupplierEmail,
		ValidFrom: ct.ValidFrom.String(), ValidTo: ct.ValidTo.String(), AllMembers: ct.AllMembers, Active: ct.Active,
		Members: map[int64]bool{},
	}
	for _, m := range ct.Members {
		f.Members[m] = true
	}
	opt := func(v *int64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatInt(*v, 10)
	}
	for _, l := range ct.Lines {
		lf := lineForm{Price: money.FormatNumber(l.PriceCents), QuotaTotal: opt(l.QuotaTotal), QuotaPerMember: opt(l.QuotaPerMember),
			MinQuantity: strconv.FormatInt(l.MinQuantity, 10), Used: l.UsedTotal}
		if l.Product != nil {
			lf.SKU, lf.Name = l.Product.SKU, l.Product.Name
		}
		f.Lines = append(f.Lines, lf)
	}
	return f
}

// contractFormFrom reads the posted form; rows left empty are dropped.
func contractFormFrom(c *fiber.Ctx) contractForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	f := contractForm{
		Number: v("number"), Title: v("title"), Supplier: v("supplier"), SupplierEmail: v("supplier_email"), ValidFrom: v("valid_from"), ValidTo: v("valid_to"),
		AllMembers: c.FormValue("all_members") != "", Active: c.FormValue("active") != "", Members: map[int64]bool{},
	}
	for _, raw := range web.FormValues(c, "member_id") {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			f.Members[id] = true
		}
	}
	skus, prices := web.FormValues(c, "line_sku"), web.FormValues(c, "line_price")
	totals, perMember, mins := web.FormValues(c, "line_quota_total"), web.FormValues(c, "line_quota_per_member"), web.FormValues(c, "line_min_quantity")
	at := func(vals []string, i int) string {
		if i < len(vals) {
			return strings.TrimSpace(vals[i])
		}
		return ""
	}
	for i := range skus {
		lf := lineForm{SKU: at(skus, i), Price: at(prices, i), QuotaTotal: at(totals, i), QuotaPerMember: at(perMember, i), MinQuantity: at(mins, i)}
		if lf.SKU == "" && lf.Price == "" && lf.QuotaTotal == "" && lf.QuotaPerMember == "" && (lf.MinQuantity == "" || lf.MinQuantity == "1") {
			continue
		}
		f.Lines = append(f.Lines, lf)
	}
	return f
}

// input turns the form into domain input and the errors of reading it.
func (f *contractForm) input() (catalog.ContractInput, formErrors) {
	var errs formErrors
	in := catalog.ContractInput{Number: f.Number, Title: f.Title, Supplier: f.Supplier, SupplierEmail: f.SupplierEmail, ValidFrom: f.ValidFrom, ValidTo: f.ValidTo,
		AllMembers: f.AllMembers, Active: f.Active}
	for id, on := range f.Members {
		if on {
			in.MemberIDs = append(in.MemberIDs, id)
		}
	}
	slices.Sort(in.MemberIDs)
	for i, lf := range f.Lines {
		li := catalog.LineInput{SKU: lf.SKU}
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		if p := errs.euro(field("price_cents"), lf.Price); p != nil {
			li.PriceCents = *p
		} else if lf.Price == "" {
			errs.add(field("price_cents"), fmt.Sprintf("Position %d: Bitte geben Sie den Vertragspreis an.", i+1))
		}
		li.QuotaTotal = errs.count(field("quota_total"), lf.QuotaTotal)
		li.QuotaPerMember = errs.count(field("quota_per_member"), lf.QuotaPerMember)
		if m := errs.count(field("min_quantity"), lf.MinQuantity); m != nil {
			li.MinQuantity = *m
		}
		in.Lines = append(in.Lines, li)
	}
	return in, errs
}

// renderContractForm shows the contract form with blank rows for new lines;
// err, if any, at its fields and rows.
func (h *Handler) renderContractForm(c *fiber.Ctx, f contractForm, err error) error {
	members, merr := h.Catalog.Members(c.UserContext(), *web.Principal(c))
	if merr != nil {
		return merr
	}
	title := "Neuer Rahmenvertrag"
	if f.ID != 0 {
		title = "Rahmenvertrag " + f.Number + " bearbeiten"
	}
	data := fiber.Map{"Title": title, "Members": members, "Errors": map[string]string{},
		"CanAudit": h.Authz.Allowed(web.Principal(c).Subject, "read", authz.On("audit"))}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		fields := map[string]string{}
		var general []string
		for _, fe := range apperr.FieldsOf(err) {
			var i int
			var name string
			if n, _ := fmt.Sscanf(fe.Field, "lines[%d].%s", &i, &name); n == 2 && i >= 0 && i < len(f.Lines) {
				f.Lines[i].Errors = append(f.Lines[i].Errors, fe.Message)
				continue
			}
			if fe.Field == "lines" {
				general = append(general, fe.Message)
				continue
			}
			if _, ok := fields[fe.Field]; !ok {
				fields[fe.Field] = fe.Message
			}
		}
		data["Errors"], data["LineErrors"] = fields, general
	}
	for range blankLines {
		f.Lines = append(f.Lines, lineForm{MinQuantity: "1"})
	}
	data["F"] = f
	return h.Render(c, "catalog_contract_form", data)
}
