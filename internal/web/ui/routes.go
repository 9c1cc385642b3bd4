package ui

import (
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// Routes is the route table of the HTML pages and forms: every route with
// the permission it needs, checked by the kit before the handler runs.
func Routes(h *Handler) []web.Route {
	return []web.Route{
		web.Open("GET", "/healthz", h.healthz),
		web.Open("GET", "/readyz", h.readyz),
		web.Open("GET", "/login", h.loginPage),
		web.Open("POST", "/login", h.loginSubmit),
		web.User("POST", "/logout", h.logout),
		web.User("GET", "/", h.home),

		web.Allow("GET", "/admin/users", "user", "list", h.usersPage),
		web.Allow("GET", "/admin/users/:id", "user", "list", h.userPage),
		web.Allow("POST", "/admin/users/:id/roles", "user", "manage", h.userRolesSubmit),
		web.Allow("GET", "/admin/policy", "policy", "view", h.policyPage),
		web.Allow("GET", "/audit", "audit", "read", h.auditPage),

		// Catalog and framework contracts: browsing, and their maintenance.
		web.Allow("GET", "/catalog", "catalog", "browse", h.catalogPage),
		web.Allow("GET", "/catalog/products/:id", "catalog", "browse", h.catalogProductPage),
		web.Allow("GET", "/contracts", "contract", "read", h.contractsPage),
		web.Allow("GET", "/contracts/:id", "contract", "read", h.contractPage),
		web.Allow("GET", "/catalog/manage", "catalog", "manage", h.catalogManagePage),
		web.Allow("GET", "/catalog/manage/products/new", "catalog", "manage", h.productNewPage),
		web.Allow("POST", "/catalog/manage/products", "catalog", "manage", h.productCreateSubmit),
		web.Allow("GET", "/catalog/manage/products/:id", "catalog", "manage", h.productEditPage),
		web.Allow("POST", "/catalog/manage/products/:id", "catalog", "manage", h.productUpdateSubmit),
		web.Allow("POST", "/catalog/manage/products/:id/deactivate", "catalog", "manage", h.productDeactivateSubmit),
		web.Allow("GET", "/catalog/manage/contracts", "contract", "manage", h.catalogContractsManagePage),
		web.Allow("GET", "/catalog/manage/contracts/new", "contract", "manage", h.contractNewPage),
		web.Allow("POST", "/catalog/manage/contracts", "contract", "manage", h.contractCreateSubmit),
		web.Allow("GET", "/catalog/manage/contracts/:id", "contract", "manage", h.contractEditPage),
		web.Allow("POST", "/catalog/manage/contracts/:id", "contract", "manage", h.contractUpdateSubmit),
		// CSV import: the route needs catalog manage; contract lines also
		// contract manage (checked per kind in catalog_import.go).
		web.Allow("GET", "/catalog/import", "catalog", "manage", h.catalogImportPage),
		web.Allow("POST", "/catalog/import", "catalog", "manage", h.catalogImportSubmit),
		web.Allow("GET", "/catalog/import/template", "catalog", "manage", h.catalogImportTemplate),

		// Quotations: sales' editor and the member's answer (quote_page.go).
		web.Allow("GET", "/quotes", "quote", "read", h.quotesPage),
		web.Allow("GET", "/quotes/:id", "quote", "read", h.quotePage),
		web.Allow("POST", "/quotes/:id", "quote", "edit", h.quoteEditSubmit),
		web.Allow("GET", "/quotes/:id/pdf", "document", "read", h.quotePDF),
		web.Allow("POST", "/quotes/:id/submit", "quote", "submit", h.quoteStepSubmit(quote.StepSubmit)),
		web.Allow("POST", "/quotes/:id/return", "quote", "submit", h.quoteStepSubmit(quote.StepReturn)),
		web.Allow("POST", "/quotes/:id/approve", "quote", "approve", h.quoteStepSubmit(quote.StepApprove)),
		web.Allow("POST", "/quotes/:id/send", "quote", "send", h.quoteStepSubmit(quote.StepSend)),
		web.Allow("POST", "/quotes/:id/accept", "quote", "accept", h.quoteStepSubmit(quote.StepAccept)),
		web.Allow("POST", "/quotes/:id/reject", "quote", "reject", h.quoteStepSubmit(quote.StepReject)),
		web.Allow("POST", "/quotes/:id/revise", "quote", "revise", h.quoteStepSubmit(quote.StepRevise)),
		web.Allow("GET", "/orders/:id/pdf", "document", "read", h.orderPDF),
		web.Allow("GET", "/orders/:id/quote", "quote", "read", h.orderQuoteRedirect),

		// Cart, order requests and their approval (issue 4): the kind-level
		// permission here, which order, stage, amount and member in
		// internal/order through the same enforcer.
		web.Allow("GET", "/cart", "cart", "use", h.cartPage),
		web.Allow("POST", "/cart", "cart", "use", h.cartUpdateSubmit),
		web.Allow("POST", "/cart/items", "cart", "use", h.cartAddSubmit),
		web.Allow("POST", "/cart/items/:product_id/delete", "cart", "use", h.cartRemoveSubmit),
		web.Allow("POST", "/orders", "order", "submit", h.orderSubmit),
		web.Allow("GET", "/orders", "order", "read", h.ordersPage),
		web.Allow("GET", "/orders/:id", "order", "read", h.orderPage),
		web.Allow("POST", "/orders/:id/approve", "order", "approve", h.orderApproveSubmit),
		web.Allow("POST", "/orders/:id/reject", "order", "reject", h.orderRejectSubmit),
		web.Allow("POST", "/orders/:id/return", "order", "return", h.orderReturnSubmit),
		web.Allow("POST", "/orders/:id/withdraw", "order", "withdraw", h.orderWithdrawSubmit),
		web.Allow("GET", "/orders/:id/edit", "order", "edit", h.orderEditPage),
		web.Allow("POST", "/orders/:id/edit", "order", "edit", h.orderEditSubmit),
		web.Allow("POST", "/orders/:id/resubmit", "order", "edit", h.orderResubmitSubmit),
		web.Allow("POST", "/orders/:id/confirm", "order", "confirm", h.orderConfirmSubmit),
		web.Allow("POST", "/orders/:id/quote", "order", "quote", h.orderQuoteSubmit),
		web.Allow("POST", "/orders/:id/deliveries", "order", "deliver", h.orderDeliverSubmit),
		web.Allow("GET", "/inbox", "order", "approve", h.inboxPage),
		web.Allow("GET", "/sales/orders", "order", "confirm", h.salesInboxPage),
		web.Allow("GET", "/settings", "settings", "manage", h.settingsPage),
		web.Allow("POST", "/settings/rules", "settings", "manage", h.settingsRulesSubmit),
		web.Allow("POST", "/settings/cost-centres", "settings", "manage", h.settingsCostCentreSubmit),
		web.Allow("POST", "/settings/cost-centres/:id/delete", "settings", "manage", h.settingsCostCentreDelete),
		web.Allow("POST", "/settings/addresses", "settings", "manage", h.settingsAddressSubmit),
		web.Allow("POST", "/settings/addresses/:id/delete", "settings", "manage", h.settingsAddressDelete),
	}
}
