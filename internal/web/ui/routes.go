package ui

import (
	"coopshop/internal/authz"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// Routes is the route table of the HTML pages and forms: every route with
// the permission it needs, checked by the kit before the handler runs.
func Routes(h *Handler) []web.Route {
	return []web.Route{
		web.Open("GET", "/healthz", h.healthz),
		web.Open("GET", "/readyz", h.readyz),
		// Prometheus scrapes with a bearer token (issue 15).
		web.Allow("GET", "/metrics", authz.MetricsRead, h.metrics),
		web.Open("GET", "/login", h.loginPage),
		web.Open("POST", "/login", h.loginSubmit),
		web.User("POST", "/logout", h.logout),
		web.User("GET", "/", h.home),

		web.Allow("GET", "/admin/users", authz.UserList, h.usersPage),
		web.Allow("GET", "/admin/users/:id", authz.UserList, h.userPage),
		web.Allow("POST", "/admin/users/:id/roles", authz.UserManage, h.userRolesSubmit),
		// Member administration (issue 13): users with an invitation,
		// their changes, deputies; the one-time links of invitations and
		// password resets are open (the token is the proof).
		web.Allow("POST", "/admin/users", authz.UserManage, h.userCreateSubmit),
		web.Allow("POST", "/admin/users/:id", authz.UserManage, h.userUpdateSubmit),
		web.Allow("POST", "/admin/users/:id/deputy", authz.UserDeputy, h.userDeputySubmit),
		web.Allow("POST", "/admin/users/:id/deputy/delete", authz.UserDeputy, h.userDeputyDelete),
		// DSGVO (issue 16): a user's data as a file, the pseudonymization
		// of a departed user, the privacy notice for everyone (admin edits).
		web.Allow("GET", "/admin/users/:id/export", authz.UserExport, h.userExport),
		web.Allow("POST", "/admin/users/:id/pseudonymize", authz.UserPseudonymize, h.userPseudonymizeSubmit),
		web.Allow("GET", "/datenschutz", authz.PrivacyRead, h.privacyPage),
		web.Allow("POST", "/datenschutz", authz.PrivacyManage, h.privacySubmit),
		web.Allow("GET", "/deputy", authz.DeputyName, h.deputyPage),
		web.Allow("POST", "/deputy", authz.DeputyName, h.deputySubmit),
		web.Allow("POST", "/deputy/delete", authz.DeputyName, h.deputyDelete),
		web.Open("GET", "/password", h.passwordPage),
		web.Open("POST", "/password", h.passwordSubmit),
		web.Open("GET", "/password/reset", h.passwordResetPage),
		web.Open("POST", "/password/reset", h.passwordResetSubmit),
		web.Allow("GET", "/admin/policy", authz.PolicyView, h.policyPage),
		web.Allow("GET", "/admin/provider", authz.ProviderSettingsManage, h.providerPage),
		web.Allow("POST", "/admin/provider", authz.ProviderSettingsManage, h.providerSubmit),
		web.Allow("GET", "/audit", authz.AuditRead, h.auditPage),
		web.Allow("GET", "/admin/mails", authz.MailRead, h.mailsPage),
		// The operator's page (issue 16): jobs, mails, backups, database
		// size, migrations; a failed job is sent round again.
		web.Allow("GET", "/admin/operations", authz.OperationsRead, h.operationsPage),
		web.Allow("POST", "/admin/operations/jobs/:id/retry", authz.JobRetry, h.operationsRetry),

		// Catalog and framework contracts: browsing, and their maintenance.
		web.Allow("GET", "/catalog", authz.CatalogBrowse, h.catalogPage),
		web.Allow("GET", "/catalog/products/:id", authz.CatalogBrowse, h.catalogProductPage),
		web.Allow("GET", "/contracts", authz.ContractRead, h.contractsPage),
		web.Allow("GET", "/contracts/:id", authz.ContractRead, h.contractPage),
		web.Allow("GET", "/catalog/manage", authz.CatalogManage, h.catalogManagePage),
		web.Allow("GET", "/catalog/manage/products/new", authz.CatalogManage, h.productNewPage),
		web.Allow("POST", "/catalog/manage/products", authz.CatalogManage, h.productCreateSubmit),
		web.Allow("GET", "/catalog/manage/products/:id", authz.CatalogManage, h.productEditPage),
		web.Allow("POST", "/catalog/manage/products/:id", authz.CatalogManage, h.productUpdateSubmit),
		web.Allow("POST", "/catalog/manage/products/:id/deactivate", authz.CatalogManage, h.productDeactivateSubmit),
		web.Allow("GET", "/catalog/manage/contracts", authz.ContractManage, h.catalogContractsManagePage),
		web.Allow("GET", "/catalog/manage/contracts/new", authz.ContractManage, h.contractNewPage),
		web.Allow("POST", "/catalog/manage/contracts", authz.ContractManage, h.contractCreateSubmit),
		web.Allow("GET", "/catalog/manage/contracts/:id", authz.ContractManage, h.contractEditPage),
		web.Allow("POST", "/catalog/manage/contracts/:id", authz.ContractManage, h.contractUpdateSubmit),
		// Pooled contracts (issue 14): named member quotas of a line, moving
		// unused quota between members, the call-off report.
		web.Allow("GET", "/catalog/manage/contracts/:id/lines/:line_id/quotas", authz.ContractManage, h.contractQuotasPage),
		web.Allow("POST", "/catalog/manage/contracts/:id/lines/:line_id/quotas", authz.ContractManage, h.contractQuotasSubmit),
		web.Allow("POST", "/catalog/manage/contracts/:id/lines/:line_id/quota-transfers", authz.ContractTransferQuota, h.contractQuotaTransferSubmit),
		web.Allow("GET", "/contracts/:id/call-offs", authz.ContractCallOffs, h.contractCallOffsPage),
		// CSV import: the route needs catalog manage; contract lines also
		// contract manage (checked per kind by api.ImportKindOf).
		web.Allow("GET", "/catalog/import", authz.CatalogManage, h.catalogImportPage),
		web.Allow("POST", "/catalog/import", authz.CatalogManage, h.catalogImportSubmit),
		web.Allow("GET", "/catalog/import/template", authz.CatalogManage, h.catalogImportTemplate),

		// Quotations: sales' editor and the member's answer (quote_*.go).
		web.Allow("GET", "/quotes", authz.QuoteRead, h.quotesPage),
		// Project quotations without an order (issue 14): sales' form, a
		// purchaser takes a sent one up (quote_new.go, quote_request.go).
		web.Allow("GET", "/quotes/new", authz.QuoteCreate, h.quoteNewPage),
		web.Allow("POST", "/quotes/new", authz.QuoteCreate, h.quoteNewSubmit),
		web.Allow("POST", "/quotes/:id/request", authz.QuoteRequest, h.quoteRequestSubmit),
		web.Allow("GET", "/quotes/:id", authz.QuoteRead, h.quotePage),
		web.Allow("POST", "/quotes/:id", authz.QuoteEdit, h.quoteEditSubmit),
		web.Allow("GET", "/quotes/:id/pdf", authz.DocumentRead, h.quotePDF),
		web.Allow("POST", "/quotes/:id/submit", authz.QuoteSubmit, h.quoteStepSubmit(quote.StepSubmit)),
		web.Allow("POST", "/quotes/:id/return", authz.QuoteSubmit, h.quoteStepSubmit(quote.StepReturn)),
		web.Allow("POST", "/quotes/:id/approve", authz.QuoteApprove, h.quoteStepSubmit(quote.StepApprove)),
		web.Allow("POST", "/quotes/:id/send", authz.QuoteSend, h.quoteStepSubmit(quote.StepSend)),
		web.Allow("POST", "/quotes/:id/accept", authz.QuoteAccept, h.quoteStepSubmit(quote.StepAccept)),
		web.Allow("POST", "/quotes/:id/reject", authz.QuoteReject, h.quoteStepSubmit(quote.StepReject)),
		web.Allow("POST", "/quotes/:id/revise", authz.QuoteRevise, h.quoteStepSubmit(quote.StepRevise)),
		web.Allow("GET", "/orders/:id/pdf", authz.DocumentRead, h.orderPDF),
		web.Allow("GET", "/orders/:id/documents/request", authz.DocumentRead, h.orderRequestPDF),
		web.Allow("GET", "/orders/:id/documents/confirmation", authz.DocumentRead, h.orderConfirmationPDF),
		web.Allow("GET", "/orders/:id/deliveries/:delivery_id/pdf", authz.DocumentRead, h.orderDeliveryNotePDF),
		web.Allow("GET", "/orders/:id/quote", authz.QuoteRead, h.orderQuoteRedirect),

		// Cart, order requests and their approval (issue 4): the kind-level
		// permission here, which order, stage, amount and member in
		// internal/order through the same enforcer.
		web.Allow("GET", "/cart", authz.CartUse, h.cartPage),
		web.Allow("POST", "/cart", authz.CartUse, h.cartUpdateSubmit),
		web.Allow("POST", "/cart/items", authz.CartUse, h.cartAddSubmit),
		web.Allow("POST", "/cart/items/:product_id/delete", authz.CartUse, h.cartRemoveSubmit),
		// Order lists and quick order (issue 14): which list in
		// internal/orderlist (a colleague's personal list is a 404).
		web.Allow("POST", "/cart/import", authz.CartUse, h.cartImportSubmit),
		web.Allow("GET", "/order-lists", authz.OrderListRead, h.orderListsPage),
		web.Allow("POST", "/order-lists", authz.OrderListManage, h.orderListCreateSubmit),
		web.Allow("POST", "/order-lists/items", authz.OrderListManage, h.orderListItemAddSubmit),
		web.Allow("GET", "/order-lists/:id", authz.OrderListRead, h.orderListPage),
		web.Allow("POST", "/order-lists/:id", authz.OrderListManage, h.orderListUpdateSubmit),
		web.Allow("POST", "/order-lists/:id/delete", authz.OrderListManage, h.orderListDeleteSubmit),
		web.Allow("POST", "/order-lists/:id/items/:product_id/delete", authz.OrderListManage, h.orderListItemDelete),
		web.Allow("POST", "/order-lists/:id/cart", authz.CartUse, h.orderListCartSubmit),
		web.Allow("POST", "/orders/:id/reorder", authz.CartUse, h.orderReorderSubmit),
		web.Allow("POST", "/orders/:id/save-list", authz.OrderListManage, h.orderSaveListSubmit),
		web.Allow("POST", "/orders", authz.OrderSubmit, h.orderSubmit),
		web.Allow("GET", "/orders", authz.OrderRead, h.ordersPage),
		web.Allow("GET", "/orders/export.csv", authz.OrderRead, h.ordersCSV),
		web.Allow("GET", "/orders/:id", authz.OrderRead, h.orderPage),
		web.Allow("POST", "/orders/:id/approve", authz.OrderApprove, h.orderStepSubmit(order.StepApprove)),
		web.Allow("POST", "/orders/:id/reject", authz.OrderReject, h.orderStepSubmit(order.StepReject)),
		web.Allow("POST", "/orders/:id/return", authz.OrderReturn, h.orderStepSubmit(order.StepReturn)),
		web.Allow("POST", "/orders/:id/withdraw", authz.OrderWithdraw, h.orderStepSubmit(order.StepWithdraw)),
		web.Allow("GET", "/orders/:id/edit", authz.OrderEdit, h.orderEditPage),
		web.Allow("POST", "/orders/:id/edit", authz.OrderEdit, h.orderEditSubmit),
		web.Allow("POST", "/orders/:id/resubmit", authz.OrderEdit, h.orderStepSubmit(order.StepResubmit)),
		web.Allow("POST", "/orders/:id/confirm", authz.OrderConfirm, h.orderStepSubmit(order.StepConfirm)),
		web.Allow("POST", "/orders/:id/quote", authz.OrderQuote, h.orderQuoteSubmit),
		web.Allow("POST", "/orders/:id/deliveries", authz.OrderDeliver, h.orderDeliverSubmit),
		web.Allow("GET", "/inbox", authz.OrderApprove, h.inboxPage),
		web.Allow("GET", "/sales/orders", authz.OrderConfirm, h.salesInboxPage),
		// The sales lead's approval inbox „Freigaben“ (issue 13); approve
		// and return post to the quote steps above with next.
		web.Allow("GET", "/sales/approvals", authz.QuoteApprovals, h.salesApprovalsPage),
		// Drop shipment (issue 14): purchase orders to framework contract
		// suppliers, on the order page; which one in internal/purchase.
		web.Allow("GET", "/purchase-orders/:id/pdf", authz.PurchaseOrderRead, h.purchasePDF),
		web.Allow("POST", "/purchase-orders/:id/confirm", authz.PurchaseOrderRecord, h.purchaseConfirmSubmit),
		web.Allow("POST", "/purchase-orders/:id/deliver", authz.PurchaseOrderRecord, h.purchaseDeliverSubmit),
		// Provisioning (issue 12): sales' board and its bulk form per line,
		// the member's services; which member in internal/provision.
		web.Allow("GET", "/sales/provisioning", authz.OrderProvision, h.provisionBoardPage),
		web.Allow("POST", "/sales/provisioning/:id/:line_no", authz.OrderProvision, h.provisionSubmit),
		web.Allow("GET", "/dienste", authz.OrderRead, h.servicesPage),
		// Finance (issue 9): the start page of finance, invoices and their
		// steps; which member's invoice in internal/invoice.
		web.Allow("GET", "/finance", authz.InvoiceCreate, h.financePage),
		web.Allow("GET", "/finance/members/:id", authz.BillingManage, h.billingPage),
		web.Allow("GET", "/finance/export", authz.InvoiceExport, h.financeExportPage),
		web.Allow("GET", "/finance/settings", authz.FinanceSettingsManage, h.financeSettingsPage),
		web.Allow("POST", "/finance/settings", authz.FinanceSettingsManage, h.financeSettingsSubmit),
		web.Allow("GET", "/finance/export/download", authz.InvoiceExport, h.financeExportDownload),
		web.Allow("POST", "/finance/members/:id", authz.BillingManage, h.billingSubmit),
		// Rentals and seat subscriptions (members: their own; sales
		// changes seats, ends rentals) and finance's billing runs.
		web.Allow("GET", "/subscriptions", authz.SubscriptionRead, h.subscriptionsPage),
		web.Allow("GET", "/subscriptions/:id", authz.SubscriptionRead, h.subscriptionPage),
		web.Allow("POST", "/subscriptions/:id/changes", authz.SubscriptionChange, h.subscriptionChangeSubmit),
		web.Allow("POST", "/subscriptions/:id/end", authz.SubscriptionEnd, h.subscriptionEndSubmit),
		web.Allow("POST", "/subscriptions/:id/change-orders", authz.OrderSubmit, h.subscriptionRequestSubmit),
		web.Allow("POST", "/subscriptions/:id/reductions", authz.SubscriptionReduce, h.subscriptionReduceSubmit),
		web.Allow("GET", "/finance/billing-runs", authz.BillingRunRead, h.billingRunsPage),
		web.Allow("POST", "/finance/billing-runs", authz.BillingRunCreate, h.billingRunSubmit),
		web.Allow("GET", "/invoices", authz.InvoiceRead, h.invoicesPage),
		web.Allow("GET", "/invoices/:id", authz.InvoiceRead, h.invoicePage),
		web.Allow("GET", "/invoices/:id/pdf", authz.DocumentRead, h.invoicePDF),
		web.Allow("GET", "/invoices/:id/xrechnung", authz.DocumentRead, h.invoiceXRechnung),
		web.Allow("POST", "/invoices/:id/reminder-block", authz.InvoiceBlockReminders, h.invoiceBlockSubmit),
		web.Allow("POST", "/invoices/:id/reminder-block/delete", authz.InvoiceBlockReminders, h.invoiceUnblockSubmit),
		web.Allow("POST", "/invoices/:id/payments", authz.InvoicePay, h.invoicePaySubmit),
		// Payments received (issue 11, internal/payment): the member's
		// Stripe payment, finance's bank statements and open items.
		web.Allow("POST", "/invoices/:id/pay-online", authz.InvoicePayOnline, h.invoicePayOnlineSubmit),
		web.Allow("GET", "/finance/payments", authz.PaymentRead, h.financePaymentsPage),
		web.Allow("POST", "/finance/payments/camt053", authz.PaymentImport, h.financeCamtSubmit),
		web.Allow("POST", "/finance/payments/bank-entries/:id/assign", authz.PaymentAssign, h.financeEntryAssign),
		web.Allow("POST", "/finance/payments/credits/:id/apply", authz.PaymentAssign, h.financeCreditApply),
		web.Allow("POST", "/invoices/:id/credit-note", authz.InvoiceCredit, h.invoiceCreditSubmit),
		web.Allow("POST", "/orders/:id/invoices", authz.InvoiceCreate, h.orderInvoiceSubmit),
		web.Allow("GET", "/settings", authz.SettingsManage, h.settingsPage),
		web.Allow("POST", "/settings/rules", authz.SettingsManage, h.settingsRulesSubmit),
		web.Allow("POST", "/settings/profile", authz.SettingsManage, h.settingsProfileSubmit),
		web.Allow("POST", "/settings/cost-centres", authz.SettingsManage, h.settingsCostCentreSubmit),
		web.Allow("POST", "/settings/cost-centres/:id/delete", authz.SettingsManage, h.settingsCostCentreDelete),
		web.Allow("POST", "/settings/addresses", authz.SettingsManage, h.settingsAddressSubmit),
		web.Allow("POST", "/settings/addresses/:id/delete", authz.SettingsManage, h.settingsAddressDelete),
	}
}
