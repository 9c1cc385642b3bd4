package authz

// The roles of DESIGN §1. Their permissions live in the policy table, not
// here; this list only names them for forms and labels.
const (
	RolePurchaser      = "purchaser"
	RoleApprover       = "approver"
	RoleMemberAdmin    = "member_admin"
	RoleSales          = "sales"
	RoleSalesLead      = "sales_lead"
	RoleCatalogManager = "catalog_manager"
	RoleFinance        = "finance"
	RoleAuditor        = "auditor"
	RoleAdmin          = "admin"
)

// MemberRoles are held in member organisations, ProviderRoles in the
// provider's.
var (
	MemberRoles   = []string{RolePurchaser, RoleApprover, RoleMemberAdmin}
	ProviderRoles = []string{RoleSales, RoleSalesLead, RoleCatalogManager, RoleFinance, RoleAuditor, RoleAdmin}
)

// AllRoles in display order.
func AllRoles() []string { return append(append([]string{}, MemberRoles...), ProviderRoles...) }

// IsMemberRole tells whether role belongs on the member side.
func IsMemberRole(role string) bool {
	for _, r := range MemberRoles {
		if r == role {
			return true
		}
	}
	return false
}

// RolesFor lists the roles an organisation of kind may hold.
func RolesFor(orgKind string) []string {
	if orgKind == "provider" {
		return ProviderRoles
	}
	return MemberRoles
}

// RoleLabel is the German name of a role for the UI.
func RoleLabel(role string) string {
	switch role {
	case RolePurchaser:
		return "Besteller"
	case RoleApprover:
		return "Genehmiger"
	case RoleMemberAdmin:
		return "Verwaltung (Mitglied)"
	case RoleSales:
		return "Vertrieb"
	case RoleSalesLead:
		return "Vertriebsleitung"
	case RoleCatalogManager:
		return "Katalogpflege"
	case RoleFinance:
		return "Finanzen"
	case RoleAuditor:
		return "Revision"
	case RoleAdmin:
		return "Administration"
	}
	return role
}
