package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// contractForm is the contract form as typed.
type contractForm struct {
	ID, Version                                 int64
	Number, Title, Supplier, ValidFrom, ValidTo string
	AllMembers, Active                          bool
	Members                                     map[int64]bool
	Lines                                       []lineForm
}

// lineForm is one row of the lines table; Errors are the row's messages.
type lineForm struct {
	SKU, Name, Price, QuotaTotal, QuotaPerMember, MinQuantity string
	Used                                                      int64
	Errors                                                    []string
}

// blankLines is how many empty rows the form offers for new lines.
const blankLines = 3

func contractFormOf(ct *catalog.Contract) contractForm {
	f := contractForm{
		ID: ct.ID, Version: ct.Version, Number: ct.Number, Title: ct.Title, Supplier: ct.Supplier,
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
		Number: v("number"), Title: v("title"), Supplier: v("supplier"), ValidFrom: v("valid_from"), ValidTo: v("valid_to"),
		AllMembers: c.FormValue("all_members") != "", Active: c.FormValue("active") != "", Members: map[int64]bool{},
	}
	for _, raw := range formValues(c, "member_id") {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			f.Members[id] = true
		}
	}
	skus, prices := formValues(c, "line_sku"), formValues(c, "line_price")
	totals, perMember, mins := formValues(c, "line_quota_total"), formValues(c, "line_quota_per_member"), formValues(c, "line_min_quantity")
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
	in := catalog.ContractInput{Number: f.Number, Title: f.Title, Supplier: f.Supplier, ValidFrom: f.ValidFrom, ValidTo: f.ValidTo,
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

// catalogContractsManagePage is /catalog/manage/contracts.
func (s *Server) catalogContractsManagePage(c *fiber.Ctx) error {
	today := s.today()
	cs, _, err := catalog.VisibleContracts(c.UserContext(), s.DB, catalog.Viewer{}, today, 0, "")
	if err != nil {
		return err
	}
	rows, err := s.contractRows(c, catalog.Viewer{}, cs, today)
	if err != nil {
		return err
	}
	return s.render(c, "catalog_contracts", fiber.Map{"Title": "Rahmenverträge pflegen", "Contracts": rows})
}

func (s *Server) renderContractForm(c *fiber.Ctx, f contractForm, err error) error {
	orgs, oerr := account.ListOrganisations(c.UserContext(), s.DB)
	if oerr != nil {
		return oerr
	}
	var members []account.Organisation
	for _, o := range orgs {
		if o.Kind == account.KindMember {
			members = append(members, o)
		}
	}
	title := "Neuer Rahmenvertrag"
	if f.ID != 0 {
		title = "Rahmenvertrag " + f.Number + " bearbeiten"
	}
	data := fiber.Map{"Title": title, "Members": members, "Errors": map[string]string{},
		"CanAudit": s.Authz.Allowed(principal(c).Subject, "read", authz.On("audit"))}
	if err != nil {
		c.Status(status[apperr.CodeOf(err)])
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
	return s.render(c, "catalog_contract_form", data)
}

func (s *Server) contractNewPage(c *fiber.Ctx) error {
	today := s.today()
	return s.renderContractForm(c, contractForm{Active: true, AllMembers: true, Members: map[int64]bool{},
		ValidFrom: today.String(), ValidTo: today.AddMonths(24).AddDays(-1).String()}, nil)
}

func (s *Server) contractCreateSubmit(c *fiber.Ctx) error {
	f := contractFormFrom(c)
	in, errs := f.input()
	if len(errs) > 0 {
		return s.renderContractForm(c, f, invalidForm(errs))
	}
	ct, err := catalog.AddContract(c.UserContext(), s.DB, principal(c).Actor(), in)
	if formOutcome(err) {
		return s.renderContractForm(c, f, err)
	}
	if err != nil {
		return err
	}
	s.flash(c, "Der Rahmenvertrag "+ct.Number+" wurde angelegt.")
	return c.Redirect("/catalog/manage/contracts/"+strconv.FormatInt(ct.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) contractEditPage(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ct, err := catalog.GetContract(c.UserContext(), s.DB, id)
	if err != nil {
		return err
	}
	return s.renderContractForm(c, contractFormOf(ct), nil)
}

func (s *Server) contractUpdateSubmit(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, err := parseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	old, err := catalog.GetContract(c.UserContext(), s.DB, id)
	if err != nil {
		return err
	}
	f := contractFormFrom(c)
	f.ID, f.Version = id, version
	// Show names and usage of lines that were there before.
	known := contractFormOf(old)
	for i := range f.Lines {
		for _, k := range known.Lines {
			if strings.EqualFold(k.SKU, f.Lines[i].SKU) {
				f.Lines[i].Name, f.Lines[i].Used = k.Name, k.Used
			}
		}
	}
	in, errs := f.input()
	if len(errs) > 0 {
		return s.renderContractForm(c, f, invalidForm(errs))
	}
	ct, err := catalog.UpdateContract(c.UserContext(), s.DB, principal(c).Actor(), id, version, in)
	if formOutcome(err) {
		return s.renderContractForm(c, f, err)
	}
	if err != nil {
		return err
	}
	s.flash(c, "Der Rahmenvertrag "+ct.Number+" wurde gespeichert.")
	return c.Redirect("/catalog/manage/contracts/"+strconv.FormatInt(ct.ID, 10), fiber.StatusSeeOther)
}
