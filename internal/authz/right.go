package authz

// Right is what a route (or a navigation entry) needs: an action on a kind
// of object, checked kind-level before the handler runs. Routes name one
// of the values below instead of two strings, so that a mistyped action
// fails the build; a test in internal/app checks every right the routes
// name against the migrated policy.
type Right struct {
	Object, Action string
}

// On is the right's kind as the enforcer sees it.
func (r Right) On() Object { return On(r.Object) }

// The rights the routes, the navigation and the start page name.
var (
	AuditRead = Right{"audit", "read"}

	CartUse = Right{"cart", "use"}

	// Order lists (issue 14, migration 0062): a purchaser's named lists,
	// personal or shared within the member (condition org+owner: a shared
	// list's object carries no owner); making one shared or personal is
	// its owner's (share).
	OrderListRead   = Right{"order_list", "read"}
	OrderListManage = Right{"order_list", "manage"}
	OrderListShare  = Right{"order_list", "share"}

	CatalogBrowse = Right{"catalog", "browse"}
	CatalogManage = Right{"catalog", "manage"}

	ContractRead   = Right{"contract", "read"}
	ContractManage = Right{"contract", "manage"}
	// ContractTransferQuota is moving unused quota of a pooled contract
	// line from one member to another (catalog managers; migration 0059).
	ContractTransferQuota = Right{"contract", "transfer_quota"}
	// ContractCallOffs is reading a contract's call-off report: catalog
	// managers, sales and auditors every member's rows, a member's users
	// their own (migration 0059).
	ContractCallOffs = Right{"contract", "call_offs"}

	DocumentRead = Right{"document", "read"}

	// Finance (issue 9): reading invoices (finance, auditor, admin; a
	// member's users their own), issuing, crediting and recording a bank
	// transfer (finance).
	InvoiceRead   = Right{"invoice", "read"}
	InvoiceCreate = Right{"invoice", "create"}
	InvoiceCredit = Right{"invoice", "credit"}
	InvoicePay    = Right{"invoice", "mark_paid"}
	// InvoicePayOnline is starting a Stripe payment of an invoice
	// (purchaser and member_admin of its member, finance; issue 11).
	InvoicePayOnline = Right{"invoice", "pay"}
	// InvoiceExport is finance's exports of a period (CSV, DATEV,
	// XRechnung: internal/export).
	InvoiceExport = Right{"invoice", "export"}
	// InvoiceBlockReminders is finance's reminder block (Mahnsperre) of an
	// overdue invoice: set with a reason, or cleared (issue 11, dunning).
	InvoiceBlockReminders = Right{"invoice", "block_reminders"}

	// The provider's legal and bank data that invoices print (admin
	// manages them; finance, auditor and admin read them) and a member's
	// invoicing settings (finance and admin manage them).
	ProviderSettingsRead   = Right{"provider_settings", "read"}
	ProviderSettingsManage = Right{"provider_settings", "manage"}
	BillingManage          = Right{"billing", "manage"}
	// FinanceSettingsManage is the provider's DATEV settings and the
	// reminder interval: finance's bookkeeping, edited by finance and
	// admin (migration 0031), beside the legal data that are admin's.
	FinanceSettingsManage = Right{"finance_settings", "manage"}

	// Subscriptions (issue 12): rentals and seat subscriptions read by a
	// member's users (their own) and the provider's staff; sales changes
	// seat counts and ends rentals; finance starts the monthly billing
	// run, finance, auditor and admin read the runs.
	SubscriptionRead   = Right{"subscription", "read"}
	SubscriptionChange = Right{"subscription", "change"}
	SubscriptionEnd    = Right{"subscription", "end"}
	// SubscriptionReduce is a member's request for fewer seats or a
	// cancellation (migration 0055): its purchaser and member admin ask,
	// sales applies it (SubscriptionChange).
	SubscriptionReduce = Right{"subscription", "reduce"}
	BillingRunCreate   = Right{"billing_run", "create"}
	BillingRunRead     = Right{"billing_run", "read"}

	// Payments received (issue 11, migration 0032): finance imports
	// camt.053 statements; finance, auditor and admin read what is left
	// for a decision (unmatched entries, unknown Stripe events, credits).
	PaymentImport = Right{"payment", "import"}
	PaymentRead   = Right{"payment", "read"}
	// PaymentAssign lets finance decide what waits (migration 0054): an
	// unmatched bank entry is assigned to an invoice, a member's credit
	// applied to an open invoice.
	PaymentAssign = Right{"payment", "assign"}

	OrderRead     = Right{"order", "read"}
	OrderSubmit   = Right{"order", "submit"}
	OrderEdit     = Right{"order", "edit"}
	OrderApprove  = Right{"order", "approve"}
	OrderReject   = Right{"order", "reject"}
	OrderReturn   = Right{"order", "return"}
	OrderWithdraw = Right{"order", "withdraw"}
	OrderConfirm  = Right{"order", "confirm"}
	OrderQuote    = Right{"order", "quote"}
	OrderDeliver  = Right{"order", "deliver"}
	// OrderProvision is sales' bulk step on the units of an order line
	// that need set-up (internal/provision), and the provisioning board.
	OrderProvision = Right{"order", "provision"}

	// Drop shipment (issue 14, migration 0065): the provider's staff read
	// the purchase orders to framework contract suppliers; sales records
	// the supplier's confirmation and the delivery.
	PurchaseOrderRead   = Right{"purchase_order", "read"}
	PurchaseOrderRecord = Right{"purchase_order", "record"}

	PolicyView = Right{"policy", "view"}

	// MailRead is admin's view of the outgoing mails (the demo's outbox
	// when no SMTP_URL is set).
	MailRead = Right{"mail", "read"}

	// OperationsRead is admin's operator page (issue 16): jobs, mails,
	// backups, database size, migrations. JobRetry sends a failed (or
	// backing-off) job round again at once; it is audited.
	OperationsRead = Right{"operations", "read"}
	JobRetry       = Right{"job", "retry"}
	// MetricsRead is /metrics in the Prometheus format (issue 15,
	// migration 0081): admin, and a scraper with the API token of a user
	// holding it.
	MetricsRead = Right{"metrics", "read"}

	QuoteRead    = Right{"quote", "read"}
	QuoteEdit    = Right{"quote", "edit"}
	QuoteSubmit  = Right{"quote", "submit"}
	QuoteApprove = Right{"quote", "approve"}
	QuoteSend    = Right{"quote", "send"}
	QuoteAccept  = Right{"quote", "accept"}
	QuoteReject  = Right{"quote", "reject"}
	QuoteRevise  = Right{"quote", "revise"}
	// QuoteApprovals is the approval inbox „Freigaben“ (migration 0057):
	// the versions waiting for the sales lead's approval. Sales reaches it
	// too, for a colleague standing in for the sales lead; the list holds
	// only what the viewer may approve.
	QuoteApprovals = Right{"quote", "approvals"}
	// QuoteCreate is sales starting a project quotation for a member
	// without an order; QuoteRequest a purchaser taking a sent one up
	// (issue 14, migration 0068).
	QuoteCreate  = Right{"quote", "create"}
	QuoteRequest = Right{"quote", "request"}

	SettingsManage = Right{"settings", "manage"}

	UserList   = Right{"user", "list"}
	UserManage = Right{"user", "manage"}
	// UserLimit is changing a user's approval limit (member admin for the
	// own member, admin for anyone; never one's own: condition not_self).
	UserLimit = Right{"user", "limit"}
	// UserDeputy is naming or ending the deputy of another user (member
	// admin for the own member, admin for anyone).
	UserDeputy = Right{"user", "deputy"}
	// UserExport is the DSGVO export of everything held about a user
	// (Art. 15); UserPseudonymize the pseudonymization of a departed user
	// (Art. 17, never oneself): member admin for the own member, admin for
	// anyone (migration 0071).
	UserExport       = Right{"user", "export"}
	UserPseudonymize = Right{"user", "pseudonymize"}
	// PrivacyRead is the privacy notice ("Datenschutz"), for every role;
	// PrivacyManage editing it, the provider's admin.
	PrivacyRead   = Right{"privacy", "read"}
	PrivacyManage = Right{"privacy", "manage"}
	// DeputyName is naming one's own deputy (approver, member admin, sales
	// lead: those who decide something that may wait for them).
	DeputyName = Right{"deputy", "name"}
)
