package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/money"
	"coopshop/internal/todo"
)

// navItem is one entry of the main navigation, shown only to those the
// enforcer allows its permission.
type navItem struct {
	Label, Href string
	Need        authz.Right // the zero Right: shown to everyone
	// Waiting, when set, shows the entry also to those allowed it while
	// something waits there for them (a deputy's entry, e.g. sales
	// standing in for the sales lead).
	Waiting authz.Right
	Badge   int // what waits there for the user (todo.List.Badge)
}

// navigation lists the sections of the shop; later sections add a line.
var navigation = []navItem{
	{Label: "Start", Href: "/", Need: authz.Right{}},
	{Label: "Katalog", Href: "/catalog", Need: authz.CatalogBrowse},
	{Label: "Rahmenverträge", Href: "/contracts", Need: authz.ContractRead},
	{Label: "Warenkorb", Href: "/cart", Need: authz.CartUse},
	{Label: "Bestelllisten", Href: "/order-lists", Need: authz.OrderListRead},
	{Label: "Bestellungen", Href: "/orders", Need: authz.OrderRead},
	{Label: "Zur Genehmigung", Href: "/inbox", Need: authz.OrderApprove},
	{Label: "Eingang Vertrieb", Href: "/sales/orders", Need: authz.OrderConfirm},
	{Label: "Freigaben", Href: "/sales/approvals", Need: authz.QuoteApprove, Waiting: authz.QuoteApprovals},
	{Label: "Bereitstellung", Href: "/sales/provisioning", Need: authz.OrderProvision},
	{Label: "Angebote", Href: "/quotes", Need: authz.QuoteRead},
	{Label: "Verträge und Dienste", Href: "/subscriptions", Need: authz.SubscriptionRead},
	{Label: "Finanzen", Href: "/finance", Need: authz.InvoiceCreate},
	{Label: "Rechnungen", Href: "/invoices", Need: authz.InvoiceRead},
	{Label: "Abrechnungsläufe", Href: "/finance/billing-runs", Need: authz.BillingRunCreate},
	{Label: "Einstellungen", Href: "/settings", Need: authz.SettingsManage},
	{Label: "Katalogpflege", Href: "/catalog/manage", Need: authz.CatalogManage},
	{Label: "CSV-Import", Href: "/catalog/import", Need: authz.CatalogManage},
	{Label: "Benutzer & Rollen", Href: "/admin/users", Need: authz.UserList},
	{Label: "Berechtigungen", Href: "/admin/policy", Need: authz.PolicyView},
	{Label: "Rechnungsangaben", Href: "/admin/provider", Need: authz.ProviderSettingsManage},
	{Label: "Protokoll", Href: "/audit", Need: authz.AuditRead},
	{Label: "Ausgehende E-Mails", Href: "/admin/mails", Need: authz.MailRead},
	{Label: "Betrieb", Href: "/admin/operations", Need: authz.OperationsRead},
}

// page is the data every page template receives next to its own.
type page struct {
	User      *account.User
	Roles     []string
	Nav       []navItem
	Active    string
	CSRF      string
	Flash     string
	Warning   string // a kept warning (FormState.Warning), shown instead of a green flash
	Data      fiber.Map
	Principal *account.Principal
	// Body is the page's own view, rendered before the layout that shows
	// it (see Render).
	Body template.HTML
}

// todoKey keeps the to-do list of a request in its locals: computed once,
// for the start page and the navigation's badges.
const todoKey = "coopshop.todo"

// Todo is what waits for the signed-in user, counted afresh (the start
// page) and kept for the rest of the request; an empty list without a
// user or a to-do service.
func (d *Deps) Todo(c *fiber.Ctx) (todo.List, error) {
	return d.todo(c, true)
}

// todo is Todo; fresh false takes the list the to-do service remembers
// for the navigation's badges (todo.BadgeAge) when there is one.
func (d *Deps) todo(c *fiber.Ctx, fresh bool) (todo.List, error) {
	if l, ok := c.Locals(todoKey).(todo.List); ok {
		return l, nil
	}
	pr := Principal(c)
	if d.TodoService == nil || pr == nil || pr.User == nil {
		return todo.List{}, nil
	}
	get := d.TodoService.Badges
	if fresh {
		get = d.TodoService.Fresh
	}
	l, err := get(c.UserContext(), *pr)
	if err != nil {
		return todo.List{}, err
	}
	c.Locals(todoKey, l)
	return l, nil
}

// Render executes a view of views/ inside the main layout with the common
// data (user, navigation, CSRF token, the flash of the session).
func (d *Deps) Render(c *fiber.Ctx, view string, data fiber.Map) error {
	p := page{Data: data, Active: c.Path()}
	if sess := Session(c); sess != nil {
		p.CSRF = sess.CSRFToken
		p.Flash = d.Accounts.TakeFlash(c.UserContext(), sess)
		if c.Method() == fiber.MethodGet {
			if fs := d.TakeForm(c); fs != nil {
				p.Warning = fs.Warning
			}
		}
	}
	if pr := Principal(c); pr != nil && !IsBearer(c) {
		p.Principal = pr
		p.User = pr.User
		p.Roles = pr.Subject.Roles
		// The badges cost the to-do list once per page; a failing list
		// must not take the page down with it.
		list, err := d.todo(c, false)
		if err != nil {
			d.Log.WarnContext(c.UserContext(), "to-do list for the navigation", "err", err)
		}
		for _, item := range navigation {
			item.Badge = list.Badge(item.Href)
			if item.Need == (authz.Right{}) || d.Authz.Allowed(pr.Subject, item.Need.Action, item.Need.On()) ||
				(item.Waiting != (authz.Right{}) && item.Badge > 0 && d.Authz.Allowed(pr.Subject, item.Waiting.Action, item.Waiting.On())) {
				p.Nav = append(p.Nav, item)
			}
		}
	}
	p.Active = currentSection(p.Nav, c.Path())
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The view first, then the layout around it, each a render without a
	// layout: the template engine renders a page inside a layout under one
	// global lock (it swaps the layout's embed function on the shared
	// templates), so that every page of every request waited for the one
	// before it. The view is rendered into a pooled buffer that the
	// layout reads without a copy: fiber copies the finished page into the
	// response, after which the buffer goes back to the pool (a catalog
	// page is 65 KB, issue 15).
	body := viewBuffers.Get().(*bytes.Buffer)
	defer putViewBuffer(body)
	if err := c.App().Config().Views.Render(body, view, p); err != nil {
		return fmt.Errorf("render %s: %w", view, err)
	}
	p.Body = template.HTML(unsafe.String(unsafe.SliceData(body.Bytes()), body.Len()))
	return c.Render("layouts/main", p)
}

// viewBuffers are the buffers views are rendered into.
var viewBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putViewBuffer empties b and returns it to the pool, unless a rare huge
// page made it too big to keep.
func putViewBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	viewBuffers.Put(b)
}

// currentSection is the href of the one navigation entry the path belongs
// to: the longest that is the path or a parent of it, so that
// /catalog/manage marks „Katalogpflege“ and not „Katalog“ too; "" when
// none.
func currentSection(nav []navItem, path string) string {
	best := ""
	for _, item := range nav {
		if inSection(item.Href, path) && len(item.Href) > len(best) {
			best = item.Href
		}
	}
	return best
}

// inSection tells whether path is the section href or below it; "/" is
// only the start page.
func inSection(href, path string) bool {
	if href == "/" {
		return path == "/"
	}
	return path == href || strings.HasPrefix(path, href+"/")
}

// Flash stores a message for the next page of this browser session.
func (d *Deps) Flash(c *fiber.Ctx, msg string) {
	if sess := Session(c); sess != nil {
		d.Accounts.SetFlash(c.UserContext(), sess, msg)
	}
}

// Today is the day prices and contract validity are judged by: the day of
// the server's clock in Berlin, so that tests can fix it.
func (d *Deps) Today() calendar.Date { return clock.Today(d.Clock) }

func templateFuncs(a *assetSet) template.FuncMap {
	return template.FuncMap{
		"asset":     a.url,
		"euro":      money.Format,
		"date":      money.FormatDate,
		"dateTime":  func(t time.Time) string { return t.In(calendar.Berlin).Format("02.01.2006, 15:04") },
		"roleLabel": authz.RoleLabel,
		"join":      strings.Join,
		"add":       func(a, b int) int { return a + b },
		// active marks the navigation entry of the current section.
		// (Render sets Active to the one current section's href.)
		"active": func(href, current string) bool { return href == current },
		"has": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
	}
}
