package api

import (
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// Routes is the JSON API's route table (API.md): every route with the
// permission it needs, checked by the kit before the handler runs.
func Routes(h *Handler) []web.Route {
	return []web.Route{
		web.Open("GET", "/api/v1/openapi.json", h.openAPI),
		web.Open("POST", "/api/v1/auth/token", h.apiToken),
		web.User("GET", "/api/v1/me", h.apiMe),
		web.Allow("GET", "/api/v1/users", "user", "list", h.apiUsers),
		web.Allow("PUT", "/api/v1/users/:id/roles", "user", "manage", h.apiUserRoles),
		web.Allow("GET", "/api/v1/audit", "audit", "read", h.apiAudit),

		web.Allow("GET", "/api/v1/products", "catalog", "browse", h.apiProducts),
		web.Allow("GET", "/api/v1/products/:id", "catalog", "browse", h.apiProduct),
		web.Allow("GET", "/api/v1/categories", "catalog", "browse", h.apiCategories),
		web.Allow("POST", "/api/v1/products", "catalog", "manage", h.apiProductCreate),
		web.Allow("PATCH", "/api/v1/products/:id", "catalog", "manage", h.apiProductUpdate),
		web.Allow("POST", "/api/v1/products/:id/deactivate", "catalog", "manage", h.apiProductDeactivate),
		web.Allow("GET", "/api/v1/contracts", "contract", "read", h.apiContracts),
		web.Allow("GET", "/api/v1/contracts/:id", "contract", "read", h.apiContract),
		web.Allow("POST", "/api/v1/contracts", "contract", "manage", h.apiContractCreate),
		web.Allow("PATCH", "/api/v1/contracts/:id", "contract", "manage", h.apiContractUpdate),
		web.Allow("POST", "/api/v1/catalog/import", "catalog", "manage", h.apiCatalogImport),

		web.Allow("GET", "/api/v1/cart", "cart", "use", h.apiCart),
		web.Allow("PUT", "/api/v1/cart/items/:product_id", "cart", "use", h.apiCartPut),
		web.Allow("DELETE", "/api/v1/cart/items/:product_id", "cart", "use", h.apiCartDelete),
		web.Allow("POST", "/api/v1/orders", "order", "submit", h.apiOrderSubmit),
		web.Allow("GET", "/api/v1/orders", "order", "read", h.apiOrders),
		web.Allow("GET", "/api/v1/orders/:id", "order", "read", h.apiOrder),
		web.Allow("PATCH", "/api/v1/orders/:id", "order", "edit", h.apiOrderEdit),
		web.Allow("POST", "/api/v1/orders/:id/submit", "order", "edit", h.apiOrderStep(order.StepResubmit)),
		web.Allow("POST", "/api/v1/orders/:id/approve", "order", "approve", h.apiOrderStep(order.StepApprove)),
		web.Allow("POST", "/api/v1/orders/:id/reject", "order", "reject", h.apiOrderStep(order.StepReject)),
		web.Allow("POST", "/api/v1/orders/:id/return", "order", "return", h.apiOrderStep(order.StepReturn)),
		web.Allow("POST", "/api/v1/orders/:id/withdraw", "order", "withdraw", h.apiOrderStep(order.StepWithdraw)),
		web.Allow("POST", "/api/v1/orders/:id/confirm", "order", "confirm", h.apiOrderStep(order.StepConfirm)),
		web.Allow("POST", "/api/v1/orders/:id/quotes", "order", "quote", h.apiOrderQuote),
		web.Allow("POST", "/api/v1/orders/:id/deliveries", "order", "deliver", h.apiOrderDeliver),
		// A member's order settings: read by whoever may read its orders
		// (checked per member in internal/member), changed by its admin.
		web.Allow("GET", "/api/v1/members/:id/settings", "order", "read", h.apiSettings),
		web.Allow("PUT", "/api/v1/members/:id/approval-rules", "settings", "manage", h.apiRulesPut),
		web.Allow("POST", "/api/v1/members/:id/cost-centres", "settings", "manage", h.apiCostCentreCreate),
		web.Allow("PUT", "/api/v1/members/:id/cost-centres/:cc", "settings", "manage", h.apiCostCentreUpdate),
		web.Allow("DELETE", "/api/v1/members/:id/cost-centres/:cc", "settings", "manage", h.apiCostCentreDelete),
		web.Allow("POST", "/api/v1/members/:id/delivery-addresses", "settings", "manage", h.apiAddressCreate),
		web.Allow("PUT", "/api/v1/members/:id/delivery-addresses/:addr", "settings", "manage", h.apiAddressUpdate),
		web.Allow("DELETE", "/api/v1/members/:id/delivery-addresses/:addr", "settings", "manage", h.apiAddressDelete),

		// Quotations and the order documents (quote_api.go); which version
		// and which member is decided per object in internal/quote.
		web.Allow("GET", "/api/v1/quotes", "quote", "read", h.apiQuotes),
		web.Allow("GET", "/api/v1/quotes/:id", "quote", "read", h.apiQuote),
		web.Allow("PATCH", "/api/v1/quotes/:id", "quote", "edit", h.apiQuoteUpdate),
		web.Allow("GET", "/api/v1/quotes/:id/versions", "quote", "read", h.apiQuoteVersions),
		web.Allow("GET", "/api/v1/quotes/:id/pdf", "document", "read", h.quotePDF),
		web.Allow("POST", "/api/v1/quotes/:id/submit", "quote", "submit", h.apiQuoteStep(quote.StepSubmit)),
		web.Allow("POST", "/api/v1/quotes/:id/return", "quote", "submit", h.apiQuoteStep(quote.StepReturn)),
		web.Allow("POST", "/api/v1/quotes/:id/approve", "quote", "approve", h.apiQuoteStep(quote.StepApprove)),
		web.Allow("POST", "/api/v1/quotes/:id/send", "quote", "send", h.apiQuoteStep(quote.StepSend)),
		web.Allow("POST", "/api/v1/quotes/:id/accept", "quote", "accept", h.apiQuoteStep(quote.StepAccept)),
		web.Allow("POST", "/api/v1/quotes/:id/reject", "quote", "reject", h.apiQuoteStep(quote.StepReject)),
		web.Allow("POST", "/api/v1/quotes/:id/revise", "quote", "revise", h.apiQuoteStep(quote.StepRevise)),
		web.Allow("GET", "/api/v1/orders/:id/pdf", "document", "read", h.orderPDF),
	}
}
