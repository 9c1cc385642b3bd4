package invoice

import (
	"context"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
)

// AuditScope is the visibility of an invoice's or credit note's audit
// trail (audit.Reader): whoever may see the invoice reads its whole trail
// – finance, auditor and admin every one, a member's users their
// member's. Another member's invoice and an unknown id are a 404, as Get
// answers.
func (s *Service) AuditScope(ctx context.Context, who authz.Subject, id int64) (audit.Scope, error) {
	if _, err := s.Get(ctx, account.Principal{Subject: who}, id); err != nil {
		return audit.Scope{}, err
	}
	return audit.Scope{}, nil
}
