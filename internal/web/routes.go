package web

import "github.com/gofiber/fiber/v2"

// access says who may call a route.
type access int

const (
	public    access = iota // anyone, logged in or not
	loggedIn                // any logged-in user
	permitted               // a logged-in user the enforcer allows perm
)

// route is one entry of the table: method, path, handler and the
// kind-level permission checked before the handler runs. Object-level
// checks (whose order, which stage) happen in the domain packages through
// the same enforcer.
type route struct {
	method  string
	path    string
	handler fiber.Handler
	access  access
	object  string
	action  string
}

func open(method, path string, h fiber.Handler) route {
	return route{method: method, path: path, handler: h, access: public}
}

func user(method, path string, h fiber.Handler) route {
	return route{method: method, path: path, handler: h, access: loggedIn}
}

func allow(method, path, object, action string, h fiber.Handler) route {
	return route{method: method, path: path, handler: h, access: permitted, object: object, action: action}
}

// routes is every route of the application in one table.
func (s *Server) routes() []route {
	return []route{
		open("GET", "/healthz", s.healthz),
		open("GET", "/readyz", s.readyz),
		open("GET", "/login", s.loginPage),
		open("POST", "/login", s.loginSubmit),
		user("POST", "/logout", s.logout),
		user("GET", "/", s.home),

		allow("GET", "/admin/users", "user", "list", s.usersPage),
		allow("GET", "/admin/users/:id", "user", "list", s.userPage),
		allow("POST", "/admin/users/:id/roles", "user", "manage", s.userRolesSubmit),
		allow("GET", "/admin/policy", "policy", "view", s.policyPage),
		allow("GET", "/audit", "audit", "read", s.auditPage),

		// Catalog and framework contracts: browsing, and their maintenance.
		allow("GET", "/catalog", "catalog", "browse", s.catalogPage),
		allow("GET", "/catalog/products/:id", "catalog", "browse", s.catalogProductPage),
		allow("GET", "/contracts", "contract", "read", s.contractsPage),
		allow("GET", "/contracts/:id", "contract", "read", s.contractPage),
		allow("GET", "/catalog/manage", "catalog", "manage", s.catalogManagePage),
		allow("GET", "/catalog/manage/products/new", "catalog", "manage", s.productNewPage),
		allow("POST", "/catalog/manage/products", "catalog", "manage", s.productCreateSubmit),
		allow("GET", "/catalog/manage/products/:id", "catalog", "manage", s.productEditPage),
		allow("POST", "/catalog/manage/products/:id", "catalog", "manage", s.productUpdateSubmit),
		allow("POST", "/catalog/manage/products/:id/deactivate", "catalog", "manage", s.productDeactivateSubmit),
		allow("GET", "/catalog/manage/contracts", "contract", "manage", s.catalogContractsManagePage),
		allow("GET", "/catalog/manage/contracts/new", "contract", "manage", s.contractNewPage),
		allow("POST", "/catalog/manage/contracts", "contract", "manage", s.contractCreateSubmit),
		allow("GET", "/catalog/manage/contracts/:id", "contract", "manage", s.contractEditPage),
		allow("POST", "/catalog/manage/contracts/:id", "contract", "manage", s.contractUpdateSubmit),
		// CSV import: the route needs catalog manage; contract lines also
		// contract manage (checked per kind in catalog_import.go).
		allow("GET", "/catalog/import", "catalog", "manage", s.catalogImportPage),
		allow("POST", "/catalog/import", "catalog", "manage", s.catalogImportSubmit),
		allow("GET", "/catalog/import/template", "catalog", "manage", s.catalogImportTemplate),

		open("GET", "/api/v1/openapi.json", s.openAPI),
		open("POST", "/api/v1/auth/token", s.apiToken),
		user("GET", "/api/v1/me", s.apiMe),
		allow("GET", "/api/v1/users", "user", "list", s.apiUsers),
		allow("PUT", "/api/v1/users/:id/roles", "user", "manage", s.apiUserRoles),
		allow("GET", "/api/v1/audit", "audit", "read", s.apiAudit),

		allow("GET", "/api/v1/products", "catalog", "browse", s.apiProducts),
		allow("GET", "/api/v1/products/:id", "catalog", "browse", s.apiProduct),
		allow("GET", "/api/v1/categories", "catalog", "browse", s.apiCategories),
		allow("POST", "/api/v1/products", "catalog", "manage", s.apiProductCreate),
		allow("PATCH", "/api/v1/products/:id", "catalog", "manage", s.apiProductUpdate),
		allow("POST", "/api/v1/products/:id/deactivate", "catalog", "manage", s.apiProductDeactivate),
		allow("GET", "/api/v1/contracts", "contract", "read", s.apiContracts),
		allow("GET", "/api/v1/contracts/:id", "contract", "read", s.apiContract),
		allow("POST", "/api/v1/contracts", "contract", "manage", s.apiContractCreate),
		allow("PATCH", "/api/v1/contracts/:id", "contract", "manage", s.apiContractUpdate),
		allow("POST", "/api/v1/catalog/import", "catalog", "manage", s.apiCatalogImport),
	}
}
