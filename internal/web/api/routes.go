package api

import (
	"coopshop/internal/authz"
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
		web.Allow("GET", "/api/v1/users", authz.UserList, h.apiUsers),
		web.Allow("PUT", "/api/v1/users/:id/roles", authz.UserManage, h.apiUserRoles),
		// Member administration (issue 13): users with an invitation mail,
		// their changes, and deputies (Vertretung).
		web.Allow("POST", "/api/v1/users", authz.UserManage, h.apiUserCreate),
		web.Allow("PATCH", "/api/v1/users/:id", authz.UserManage, h.apiUserUpdate),
		web.Allow("PUT", "/api/v1/me/deputy", authz.DeputyName, h.apiMyDeputyPut),
		web.Allow("DELETE", "/api/v1/me/deputy", authz.DeputyName, h.apiMyDeputyDelete),
		web.Allow("PUT", "/api/v1/users/:id/deputy", authz.UserDeputy, h.apiUserDeputyPut),
		web.Allow("DELETE", "/api/v1/users/:id/deputy", authz.UserDeputy, h.apiUserDeputyDelete),
		web.Allow("GET", "/api/v1/audit", authz.AuditRead, h.apiAudit),
		// DSGVO (issue 16): a user's export and pseudonymization (own
		// member or admin, checked in internal/privacy), the privacy
		// notice.
		web.Allow("GET", "/api/v1/users/:id/export", authz.UserExport, h.apiUserExport),
		web.Allow("POST", "/api/v1/users/:id/pseudonymize", authz.UserPseudonymize, h.apiUserPseudonymize),
		web.Allow("GET", "/api/v1/privacy", authz.PrivacyRead, h.apiPrivacyNotice),
		web.Allow("PUT", "/api/v1/privacy", authz.PrivacyManage, h.apiPrivacyNoticeUpdate),

		web.Allow("GET", "/api/v1/products", authz.CatalogBrowse, h.apiProducts),
		web.Allow("GET", "/api/v1/products/:id", authz.CatalogBrowse, h.apiProduct),
		web.Allow("GET", "/api/v1/categories", authz.CatalogBrowse, h.apiCategories),
		web.Allow("POST", "/api/v1/products", authz.CatalogManage, h.apiProductCreate),
		web.Allow("PATCH", "/api/v1/products/:id", authz.CatalogManage, h.apiProductUpdate),
		web.Allow("POST", "/api/v1/products/:id/deactivate", authz.CatalogManage, h.apiProductDeactivate),
		web.Allow("GET", "/api/v1/contracts", authz.ContractRead, h.apiContracts),
		web.Allow("GET", "/api/v1/contracts/:id", authz.ContractRead, h.apiContract),
		web.Allow("POST", "/api/v1/contracts", authz.ContractManage, h.apiContractCreate),
		web.Allow("PATCH", "/api/v1/contracts/:id", authz.ContractManage, h.apiContractUpdate),
		// Pooled contracts (issue 14): named member quotas, moving unused
		// quota between members, the call-off report.
		web.Allow("PUT", "/api/v1/contracts/:id/lines/:line_id/member-quotas", authz.ContractManage, h.apiMemberQuotas),
		web.Allow("POST", "/api/v1/contracts/:id/lines/:line_id/quota-transfers", authz.ContractTransferQuota, h.apiQuotaTransfer),
		web.Allow("GET", "/api/v1/contracts/:id/call-offs", authz.ContractCallOffs, h.apiCallOffs),
		web.Allow("POST", "/api/v1/catalog/import", authz.CatalogManage, h.apiCatalogImport),

		web.Allow("GET", "/api/v1/cart", authz.CartUse, h.apiCart),
		web.Allow("PUT", "/api/v1/cart/items/:product_id", authz.CartUse, h.apiCartPut),
		web.Allow("DELETE", "/api/v1/cart/items/:product_id", authz.CartUse, h.apiCartDelete),
		// Order lists and quick order (issue 14, orderlist_api.go).
		web.Allow("POST", "/api/v1/cart/import", authz.CartUse, h.apiCartImport),
		web.Allow("GET", "/api/v1/order-lists", authz.OrderListRead, h.apiOrderLists),
		web.Allow("POST", "/api/v1/order-lists", authz.OrderListManage, h.apiOrderListCreate),
		web.Allow("GET", "/api/v1/order-lists/:id", authz.OrderListRead, h.apiOrderList),
		web.Allow("POST", "/api/v1/order-lists/:id/cart", authz.CartUse, h.apiOrderListCart),
		web.Allow("POST", "/api/v1/orders", authz.OrderSubmit, h.apiOrderSubmit),
		web.Allow("GET", "/api/v1/orders", authz.OrderRead, h.apiOrders),
		web.Allow("GET", "/api/v1/orders/:id", authz.OrderRead, h.apiOrder),
		web.Allow("PATCH", "/api/v1/orders/:id", authz.OrderEdit, h.apiOrderEdit),
		web.Allow("POST", "/api/v1/orders/:id/submit", authz.OrderEdit, h.apiOrderStep(order.StepResubmit)),
		web.Allow("POST", "/api/v1/orders/:id/approve", authz.OrderApprove, h.apiOrderStep(order.StepApprove)),
		web.Allow("POST", "/api/v1/orders/:id/reject", authz.OrderReject, h.apiOrderStep(order.StepReject)),
		web.Allow("POST", "/api/v1/orders/:id/return", authz.OrderReturn, h.apiOrderStep(order.StepReturn)),
		web.Allow("POST", "/api/v1/orders/:id/withdraw", authz.OrderWithdraw, h.apiOrderStep(order.StepWithdraw)),
		web.Allow("POST", "/api/v1/orders/:id/confirm", authz.OrderConfirm, h.apiOrderStep(order.StepConfirm)),
		web.Allow("POST", "/api/v1/orders/:id/quotes", authz.OrderQuote, h.apiOrderQuote),
		web.Allow("POST", "/api/v1/orders/:id/deliveries", authz.OrderDeliver, h.apiOrderDeliver),
		// Provisioning of the units of a line (internal/provision).
		web.Allow("GET", "/api/v1/orders/:id/lines/:line_no/provisioning", authz.OrderRead, h.apiProvisionGet),
		web.Allow("POST", "/api/v1/orders/:id/lines/:line_no/provisioning", authz.OrderProvision, h.apiProvisionUpdate),
		// Drop shipment (issue 14): purchase orders to framework contract
		// suppliers (internal/purchase); sales records their progress.
		web.Allow("GET", "/api/v1/purchase-orders/:id", authz.PurchaseOrderRead, h.apiPurchaseOrder),
		web.Allow("GET", "/api/v1/purchase-orders/:id/pdf", authz.PurchaseOrderRead, h.apiPurchaseOrderPDF),
		web.Allow("POST", "/api/v1/purchase-orders/:id/confirm", authz.PurchaseOrderRecord, h.apiPurchaseOrderConfirm),
		web.Allow("POST", "/api/v1/purchase-orders/:id/deliver", authz.PurchaseOrderRecord, h.apiPurchaseOrderDeliver),
		// A member's order settings: read by whoever may read its orders
		// (checked per member in internal/member), changed by its admin.
		web.Allow("GET", "/api/v1/members/:id/settings", authz.OrderRead, h.apiSettings),
		web.Allow("PUT", "/api/v1/members/:id/approval-rules", authz.SettingsManage, h.apiRulesPut),
		web.Allow("POST", "/api/v1/members/:id/cost-centres", authz.SettingsManage, h.apiCostCentreCreate),
		web.Allow("PUT", "/api/v1/members/:id/cost-centres/:cc", authz.SettingsManage, h.apiCostCentreUpdate),
		web.Allow("DELETE", "/api/v1/members/:id/cost-centres/:cc", authz.SettingsManage, h.apiCostCentreDelete),
		web.Allow("POST", "/api/v1/members/:id/delivery-addresses", authz.SettingsManage, h.apiAddressCreate),
		web.Allow("PUT", "/api/v1/members/:id/delivery-addresses/:addr", authz.SettingsManage, h.apiAddressUpdate),
		web.Allow("DELETE", "/api/v1/members/:id/delivery-addresses/:addr", authz.SettingsManage, h.apiAddressDelete),

		// Quotations and the order documents (quote_api.go, pdf.go); which version
		// and which member is decided per object in internal/quote.
		web.Allow("GET", "/api/v1/quotes", authz.QuoteRead, h.apiQuotes),
		// Project quotations without an order (issue 14).
		web.Allow("POST", "/api/v1/quotes", authz.QuoteCreate, h.apiQuoteCreate),
		web.Allow("POST", "/api/v1/quotes/:id/request", authz.QuoteRequest, h.apiQuoteRequest),
		web.Allow("GET", "/api/v1/quotes/:id", authz.QuoteRead, h.apiQuote),
		web.Allow("PATCH", "/api/v1/quotes/:id", authz.QuoteEdit, h.apiQuoteUpdate),
		web.Allow("GET", "/api/v1/quotes/:id/versions", authz.QuoteRead, h.apiQuoteVersions),
		web.Allow("GET", "/api/v1/quotes/:id/pdf", authz.DocumentRead, h.quotePDF),
		web.Allow("POST", "/api/v1/quotes/:id/submit", authz.QuoteSubmit, h.apiQuoteStep(quote.StepSubmit)),
		web.Allow("POST", "/api/v1/quotes/:id/return", authz.QuoteSubmit, h.apiQuoteStep(quote.StepReturn)),
		web.Allow("POST", "/api/v1/quotes/:id/approve", authz.QuoteApprove, h.apiQuoteStep(quote.StepApprove)),
		web.Allow("POST", "/api/v1/quotes/:id/send", authz.QuoteSend, h.apiQuoteStep(quote.StepSend)),
		web.Allow("POST", "/api/v1/quotes/:id/accept", authz.QuoteAccept, h.apiQuoteStep(quote.StepAccept)),
		web.Allow("POST", "/api/v1/quotes/:id/reject", authz.QuoteReject, h.apiQuoteStep(quote.StepReject)),
		web.Allow("POST", "/api/v1/quotes/:id/revise", authz.QuoteRevise, h.apiQuoteStep(quote.StepRevise)),
		web.Allow("GET", "/api/v1/orders/:id/pdf", authz.DocumentRead, h.orderPDF),
		web.Allow("GET", "/api/v1/orders/:id/documents/request", authz.DocumentRead, h.orderRequestPDF),
		web.Allow("GET", "/api/v1/orders/:id/documents/confirmation", authz.DocumentRead, h.orderConfirmationPDF),
		web.Allow("GET", "/api/v1/orders/:id/deliveries/:delivery_id/pdf", authz.DocumentRead, h.orderDeliveryNotePDF),

		// Finance (invoice_api.go): invoices, credit notes, payments; which
		// member's invoice is decided per object in internal/invoice. An
		// issued invoice never changes: PATCH, PUT and DELETE answer 405.
		web.Allow("POST", "/api/v1/invoices", authz.InvoiceCreate, h.apiInvoiceIssue),
		web.Allow("GET", "/api/v1/invoices", authz.InvoiceRead, h.apiInvoices),
		web.Allow("GET", "/api/v1/invoices/:id", authz.InvoiceRead, h.apiInvoice),
		web.Allow("PATCH", "/api/v1/invoices/:id", authz.InvoiceRead, h.apiInvoiceImmutable),
		web.Allow("PUT", "/api/v1/invoices/:id", authz.InvoiceRead, h.apiInvoiceImmutable),
		web.Allow("DELETE", "/api/v1/invoices/:id", authz.InvoiceRead, h.apiInvoiceImmutable),
		web.Allow("GET", "/api/v1/invoices/:id/pdf", authz.DocumentRead, h.invoicePDF),
		web.Allow("GET", "/api/v1/invoices/:id/xrechnung", authz.DocumentRead, h.invoiceXRechnung),
		web.Allow("POST", "/api/v1/invoices/:id/credit-note", authz.InvoiceCredit, h.apiInvoiceCredit),
		web.Allow("POST", "/api/v1/invoices/:id/payments", authz.InvoicePay, h.apiInvoicePayment),
		// Dunning (reminder_api.go): finance's reminder block.
		web.Allow("PUT", "/api/v1/invoices/:id/reminder-block", authz.InvoiceBlockReminders, h.apiReminderBlockPut),
		web.Allow("DELETE", "/api/v1/invoices/:id/reminder-block", authz.InvoiceBlockReminders, h.apiReminderBlockDelete),
		// Payments received (payment_api.go, internal/payment): a Stripe
		// payment started by the member or finance, Stripe's signed
		// webhook (no user: the handler verifies the signature, the domain
		// books as the system), bank statements, what waits for finance.
		web.Allow("POST", "/api/v1/invoices/:id/payments/stripe", authz.InvoicePayOnline, h.apiInvoiceStripe),
		web.Webhook("POST", "/stripe/webhook", h.stripeWebhook),
		web.Allow("POST", "/api/v1/payments/camt053", authz.PaymentImport, h.apiCamt053),
		web.Allow("GET", "/api/v1/payments/open-items", authz.PaymentRead, h.apiPaymentOpenItems),
		web.Allow("POST", "/api/v1/payments/bank-entries/:id/assign", authz.PaymentAssign, h.apiBankEntryAssign),
		web.Allow("POST", "/api/v1/payments/credits/:id/apply", authz.PaymentAssign, h.apiCreditApply),
		// Exports of a period, streamed (export_api.go, internal/export).
		web.Allow("GET", "/api/v1/exports/invoices", authz.InvoiceExport, h.apiExportInvoices),
		// What invoices print: the provider's legal and bank data (admin
		// edits them) and a member's invoicing settings (finance edits them).
		web.Allow("GET", "/api/v1/provider/settings", authz.ProviderSettingsRead, h.apiProviderSettings),
		web.Allow("PUT", "/api/v1/provider/settings", authz.ProviderSettingsManage, h.apiProviderSettingsPut),
		// Rentals and seat subscriptions, the monthly billing run
		// (subscription_api.go, internal/subscription).
		web.Allow("GET", "/api/v1/subscriptions", authz.SubscriptionRead, h.apiSubscriptions),
		web.Allow("GET", "/api/v1/subscriptions/:id", authz.SubscriptionRead, h.apiSubscription),
		web.Allow("POST", "/api/v1/subscriptions/:id/changes", authz.SubscriptionChange, h.apiSubscriptionChange),
		web.Allow("POST", "/api/v1/subscriptions/:id/end", authz.SubscriptionEnd, h.apiSubscriptionEnd),
		web.Allow("POST", "/api/v1/subscriptions/:id/reductions", authz.SubscriptionReduce, h.apiSubscriptionReduction),
		web.Allow("POST", "/api/v1/subscriptions/:id/change-orders", authz.OrderSubmit, h.apiSubscriptionChangeOrder),
		web.Allow("POST", "/api/v1/billing-runs", authz.BillingRunCreate, h.apiBillingRun),
		web.Allow("GET", "/api/v1/billing-runs", authz.BillingRunRead, h.apiBillingRuns),
		// The provider's bookkeeping (DATEV, reminder interval): finance
		// and admin edit it (finance_settings_api.go).
		web.Allow("GET", "/api/v1/provider/finance-settings", authz.ProviderSettingsRead, h.apiFinanceSettings),
		web.Allow("PUT", "/api/v1/provider/finance-settings", authz.FinanceSettingsManage, h.apiFinanceSettingsPut),
		web.Allow("GET", "/api/v1/members/:id/billing", authz.BillingManage, h.apiBilling),
		web.Allow("PUT", "/api/v1/members/:id/billing", authz.BillingManage, h.apiBillingPut),
		// The operator's view (issue 16, operations_api.go): what the page
		// "Betrieb" shows, and a failed job sent round again.
		web.Allow("GET", "/api/v1/operations", authz.OperationsRead, h.apiOperations),
		web.Allow("POST", "/api/v1/jobs/:id/retry", authz.JobRetry, h.apiJobRetry),
	}
}
