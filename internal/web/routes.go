package web

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
	"coopshop/internal/quote"
)

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

		// Quotations: sales' editor and the member's answer (quote_page.go).
		allow("GET", "/quotes", "quote", "read", s.quotesPage),
		allow("GET", "/quotes/:id", "quote", "read", s.quotePage),
		allow("POST", "/quotes/:id", "quote", "edit", s.quoteEditSubmit),
		allow("GET", "/quotes/:id/pdf", "document", "read", s.quotePDF),
		allow("POST", "/quotes/:id/submit", "quote", "submit", s.quoteStepSubmit(quote.StepSubmit)),
		allow("POST", "/quotes/:id/return", "quote", "submit", s.quoteStepSubmit(quote.StepReturn)),
		allow("POST", "/quotes/:id/approve", "quote", "approve", s.quoteStepSubmit(quote.StepApprove)),
		allow("POST", "/quotes/:id/send", "quote", "send", s.quoteStepSubmit(quote.StepSend)),
		allow("POST", "/quotes/:id/accept", "quote", "accept", s.quoteStepSubmit(quote.StepAccept)),
		allow("POST", "/quotes/:id/reject", "quote", "reject", s.quoteStepSubmit(quote.StepReject)),
		allow("POST", "/quotes/:id/revise", "quote", "revise", s.quoteStepSubmit(quote.StepRevise)),
		allow("GET", "/orders/:id/pdf", "document", "read", s.orderPDF),
		allow("GET", "/orders/:id/quote", "quote", "read", s.orderQuoteRedirect),

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

		// Cart, order requests and their approval (issue 4): the kind-level
		// permission here, which order, stage, amount and member in
		// internal/order through the same enforcer.
		allow("GET", "/cart", "cart", "use", s.cartPage),
		allow("POST", "/cart", "cart", "use", s.cartUpdateSubmit),
		allow("POST", "/cart/items", "cart", "use", s.cartAddSubmit),
		allow("POST", "/cart/items/:product_id/delete", "cart", "use", s.cartRemoveSubmit),
		allow("POST", "/orders", "order", "submit", s.orderSubmit),
		allow("GET", "/orders", "order", "read", s.ordersPage),
		allow("GET", "/orders/:id", "order", "read", s.orderPage),
		allow("POST", "/orders/:id/approve", "order", "approve", s.orderApproveSubmit),
		allow("POST", "/orders/:id/reject", "order", "reject", s.orderRejectSubmit),
		allow("POST", "/orders/:id/return", "order", "return", s.orderReturnSubmit),
		allow("POST", "/orders/:id/withdraw", "order", "withdraw", s.orderWithdrawSubmit),
		allow("GET", "/orders/:id/edit", "order", "edit", s.orderEditPage),
		allow("POST", "/orders/:id/edit", "order", "edit", s.orderEditSubmit),
		allow("POST", "/orders/:id/resubmit", "order", "edit", s.orderResubmitSubmit),
		allow("POST", "/orders/:id/confirm", "order", "confirm", s.orderConfirmSubmit),
		allow("POST", "/orders/:id/quote", "order", "quote", s.orderQuoteSubmit),
		allow("POST", "/orders/:id/deliveries", "order", "deliver", s.orderDeliverSubmit),
		allow("GET", "/inbox", "order", "approve", s.inboxPage),
		allow("GET", "/sales/orders", "order", "confirm", s.salesInboxPage),
		allow("GET", "/settings", "settings", "manage", s.settingsPage),
		allow("POST", "/settings/rules", "settings", "manage", s.settingsRulesSubmit),
		allow("POST", "/settings/cost-centres", "settings", "manage", s.settingsCostCentreSubmit),
		allow("POST", "/settings/cost-centres/:id/delete", "settings", "manage", s.settingsCostCentreDelete),
		allow("POST", "/settings/addresses", "settings", "manage", s.settingsAddressSubmit),
		allow("POST", "/settings/addresses/:id/delete", "settings", "manage", s.settingsAddressDelete),

		allow("GET", "/api/v1/cart", "cart", "use", s.apiCart),
		allow("PUT", "/api/v1/cart/items/:product_id", "cart", "use", s.apiCartPut),
		allow("DELETE", "/api/v1/cart/items/:product_id", "cart", "use", s.apiCartDelete),
		allow("POST", "/api/v1/orders", "order", "submit", s.apiOrderSubmit),
		allow("GET", "/api/v1/orders", "order", "read", s.apiOrders),
		allow("GET", "/api/v1/orders/:id", "order", "read", s.apiOrder),
		allow("PATCH", "/api/v1/orders/:id", "order", "edit", s.apiOrderEdit),
		allow("POST", "/api/v1/orders/:id/submit", "order", "edit", s.apiOrderStep(order.StepResubmit)),
		allow("POST", "/api/v1/orders/:id/approve", "order", "approve", s.apiOrderStep(order.StepApprove)),
		allow("POST", "/api/v1/orders/:id/reject", "order", "reject", s.apiOrderStep(order.StepReject)),
		allow("POST", "/api/v1/orders/:id/return", "order", "return", s.apiOrderStep(order.StepReturn)),
		allow("POST", "/api/v1/orders/:id/withdraw", "order", "withdraw", s.apiOrderStep(order.StepWithdraw)),
		allow("POST", "/api/v1/orders/:id/confirm", "order", "confirm", s.apiOrderStep(order.StepConfirm)),
		allow("POST", "/api/v1/orders/:id/quotes", "order", "quote", s.apiOrderQuote),
		allow("POST", "/api/v1/orders/:id/deliveries", "order", "deliver", s.apiOrderDeliver),
		// A member's order settings: read by whoever may read its orders
		// (checked per member in internal/member), changed by its admin.
		allow("GET", "/api/v1/members/:id/settings", "order", "read", s.apiSettings),
		allow("PUT", "/api/v1/members/:id/approval-rules", "settings", "manage", s.apiRulesPut),
		allow("POST", "/api/v1/members/:id/cost-centres", "settings", "manage", s.apiCostCentreCreate),
		allow("PUT", "/api/v1/members/:id/cost-centres/:cc", "settings", "manage", s.apiCostCentreUpdate),
		allow("DELETE", "/api/v1/members/:id/cost-centres/:cc", "settings", "manage", s.apiCostCentreDelete),
		allow("POST", "/api/v1/members/:id/delivery-addresses", "settings", "manage", s.apiAddressCreate),
		allow("PUT", "/api/v1/members/:id/delivery-addresses/:addr", "settings", "manage", s.apiAddressUpdate),
		allow("DELETE", "/api/v1/members/:id/delivery-addresses/:addr", "settings", "manage", s.apiAddressDelete),

		// Quotations and the order documents (quote_api.go); which version
		// and which member is decided per object in internal/quote.
		allow("GET", "/api/v1/quotes", "quote", "read", s.apiQuotes),
		allow("GET", "/api/v1/quotes/:id", "quote", "read", s.apiQuote),
		allow("PATCH", "/api/v1/quotes/:id", "quote", "edit", s.apiQuoteUpdate),
		allow("GET", "/api/v1/quotes/:id/versions", "quote", "read", s.apiQuoteVersions),
		allow("GET", "/api/v1/quotes/:id/pdf", "document", "read", s.quotePDF),
		allow("POST", "/api/v1/quotes/:id/submit", "quote", "submit", s.apiQuoteStep(quote.StepSubmit)),
		allow("POST", "/api/v1/quotes/:id/return", "quote", "submit", s.apiQuoteStep(quote.StepReturn)),
		allow("POST", "/api/v1/quotes/:id/approve", "quote", "approve", s.apiQuoteStep(quote.StepApprove)),
		allow("POST", "/api/v1/quotes/:id/send", "quote", "send", s.apiQuoteStep(quote.StepSend)),
		allow("POST", "/api/v1/quotes/:id/accept", "quote", "accept", s.apiQuoteStep(quote.StepAccept)),
		allow("POST", "/api/v1/quotes/:id/reject", "quote", "reject", s.apiQuoteStep(quote.StepReject)),
		allow("POST", "/api/v1/quotes/:id/revise", "quote", "revise", s.apiQuoteStep(quote.StepRevise)),
		allow("GET", "/api/v1/orders/:id/pdf", "document", "read", s.orderPDF),
	}
}
