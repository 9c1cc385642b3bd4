package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
)

// navItem is one entry of the main navigation, shown only to those the
// enforcer allows its permission.
type navItem struct {
	Label, Href    string
	Object, Action string
}

// navigation lists the sections of the shop; later sections add a line.
var navigation = []navItem{
	{"Start", "/", "", ""},
	{"Katalog", "/catalog", "catalog", "browse"},
	{"Rahmenverträge", "/contracts", "contract", "read"},
	{"Warenkorb", "/cart", "cart", "use"},
	{"Bestellungen", "/orders", "order", "read"},
	{"Zur Genehmigung", "/inbox", "order", "approve"},
	{"Eingang Vertrieb", "/sales/orders", "order", "confirm"},
	{"Angebote", "/quotes", "quote", "read"},
	{"Einstellungen", "/settings", "settings", "manage"},
	{"Katalogpflege", "/catalog/manage", "catalog", "manage"},
	{"CSV-Import", "/catalog/import", "catalog", "manage"},
	{"Benutzer & Rollen", "/admin/users", "user", "list"},
	{"Berechtigungen", "/admin/policy", "policy", "view"},
	{"Protokoll", "/audit", "audit", "read"},
}

func onKind(kind string) authz.Object { return authz.On(kind) }

// page is the data every page template receives next to its own.
type page struct {
	User      *account.User
	Roles     []string
	Nav       []navItem
	Active    string
	CSRF      string
	Flash     string
	Data      fiber.Map
	Principal *account.Principal
}

// render executes a view inside the main layout with the common data.
func (s *Server) render(c *fiber.Ctx, view string, data fiber.Map) error {
	p := page{Data: data, Active: c.Path()}
	if sess := session(c); sess != nil {
		p.CSRF = sess.CSRFToken
		p.Flash = s.Accounts.TakeFlash(c.UserContext(), sess)
	}
	if pr := principal(c); pr != nil && !isBearer(c) {
		p.Principal = pr
		p.User = pr.User
		p.Roles = pr.Subject.Roles
		for _, item := range navigation {
			if item.Object == "" || s.Authz.Allowed(pr.Subject, item.Action, onKind(item.Object)) {
				p.Nav = append(p.Nav, item)
			}
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render(view, p, "layouts/main")
}

// flash stores a message for the next page of this browser session.
func (s *Server) flash(c *fiber.Ctx, msg string) {
	if sess := session(c); sess != nil {
		s.Accounts.SetFlash(c.UserContext(), sess, msg)
	}
}

func templateFuncs(a *assetSet) template.FuncMap {
	return template.FuncMap{
		"asset":     a.url,
		"euro":      money.Format,
		"date":      money.FormatDate,
		"dateTime":  func(t time.Time) string { return t.In(berlin).Format("02.01.2006, 15:04") },
		"roleLabel": authz.RoleLabel,
		"join":      strings.Join,
		// active marks the navigation entry of the current section: "/"
		// only on the start page, others on every page below them.
		"active": func(href, path string) bool {
			if href == "/" {
				return path == "/"
			}
			return path == href || strings.HasPrefix(path, href+"/")
		},
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

var berlin = calendar.Berlin
