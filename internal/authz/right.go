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

	CatalogBrowse = Right{"catalog", "browse"}
	CatalogManage = Right{"catalog", "manage"}

	ContractRead   = Right{"contract", "read"}
	ContractManage = Right{"contract", "manage"}

	DocumentRead = Right{"document", "read"}

	// Finance (issue 9): reading invoices (finance, auditor, admin; a
	// member's users their own), issuing, crediting and recording a bank
	// transfer (finance).
	InvoiceRead   = Right{"invoice", "read"}
	InvoiceCreate = Right{"invoice", "create"}
	InvoiceCredit = Right{"invoice", "credit"}
	InvoicePay    = Right{"invoice", "mark_paid"}
	// InvoiceExport is finance's exports of a period (CSV, DATEV,
	// XRechnung: internal/export).
	InvoiceExport = Right{"invoice", "export"}

	// The provider's legal and bank data that invoices print (admin
	// manages them; finance, auditor and admin read them) and a member's
	// invoicing settings (finance and admin manage them).
	ProviderSettingsRead   = Right{"provider_settings", "read"}
	ProviderSettingsManage = Right{"provider_settings", "manage"}
	BillingManage          = Right{"billing", "manage"}

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

	PolicyView = Right{"policy", "view"}

	QuoteRead    = Right{"quote", "read"}
	QuoteEdit    = Right{"quote", "edit"}
	QuoteSubmit  = Right{"quote", "submit"}
	QuoteApprove = Right{"quote", "approve"}
	QuoteSend    = Right{"quote", "send"}
	QuoteAccept  = Right{"quote", "accept"}
	QuoteReject  = Right{"quote", "reject"}
	QuoteRevise  = Right{"quote", "revise"}

	SettingsManage = Right{"settings", "manage"}

	UserList   = Right{"user", "list"}
	UserManage = Right{"user", "manage"}
	// UserLimit is changing a user's approval limit (member admin for the
	// own member, admin for anyone; never one's own: condition not_self).
	UserLimit = Right{"user", "limit"}
	// UserDeputy is naming or ending the deputy of another user (member
	// admin for the own member, admin for anyone).
	UserDeputy = Right{"user", "deputy"}
	// DeputyName is naming one's own deputy (approver, member admin, sales
	// lead: those who decide something that may wait for them).
	DeputyName = Right{"deputy", "name"}
)
