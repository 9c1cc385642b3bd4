// Package privacy is what the DSGVO asks of coopshop about the people who
// use it: everything held about one user as JSON (Art. 15, Export), the
// pseudonymization of a user who has left (Art. 17, Pseudonymize), the
// retention of sessions, tokens, login records and client addresses
// (Purge, run by a job), and the privacy notice the provider edits
// (Notice). Issued documents (PDFs, invoices: GoBD, ten years) are never
// touched: they stay byte for byte as they went out.
package privacy

import (
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
)

// Service is the data-protection use cases.
type Service struct {
	DB       *bun.DB
	Authz    *authz.Authorizer
	Accounts *account.Service
	Clock    clock.Clock
	// LoginRetention is how long login records and client addresses are
	// kept (config.Config.LoginRetention).
	LoginRetention time.Duration
}

// NewService wires the service on the system clock with the default
// retention of 30 days.
func NewService(bdb *bun.DB, az *authz.Authorizer, accounts *account.Service) *Service {
	return &Service{DB: bdb, Authz: az, Accounts: accounts, Clock: clock.System(), LoginRetention: 30 * 24 * time.Hour}
}

// pseudonymPrefix starts every pseudonymized name, so that a pseudonym is
// recognisable wherever it shows.
const pseudonymPrefix = "Ehemalige Person "

// pseudonymDomain is the domain of pseudonymized e-mail addresses:
// ".invalid" is reserved (RFC 2606), nothing is ever delivered there.
const pseudonymDomain = "invalid"

// PseudonymCode is the stable code of a user's pseudonym: a permutation of
// the user id (multiplication by an odd constant modulo 2^24), so that two
// users never share one below 16.7 million ids, the same user always gets
// the same, and the code does not read as a counter. It hides the name,
// not the id: the id stays in the records that need it.
func PseudonymCode(userID int64) string {
	const mask = 1<<24 - 1
	x := (uint64(userID)*0x9E3779 + 0x5A17) & mask
	if userID > mask {
		return fmt.Sprintf("%06X-%d", x, userID)
	}
	return fmt.Sprintf("%06X", x)
}

// PseudonymName is the name that replaces a pseudonymized user's:
// "Ehemalige Person 7F3A2C".
func PseudonymName(userID int64) string { return pseudonymPrefix + PseudonymCode(userID) }

// PseudonymEmail is the unroutable address that replaces a pseudonymized
// user's: "pseudonym-7f3a2c@invalid".
func PseudonymEmail(userID int64) string {
	return "pseudonym-" + strings.ToLower(PseudonymCode(userID)) + "@" + pseudonymDomain
}

// IsPseudonymized tells whether u has been pseudonymized already (the
// same test as account.User.Pseudonymized, which guards the user
// administration against changing them).
func IsPseudonymized(u *account.User) bool { return u.Pseudonymized() }

// CanExport tells whether actor may export u's data (for the button on
// the user's page; Export checks again).
func (s *Service) CanExport(actor account.Principal, u *account.User) bool {
	return s.Authz.Allowed(actor.Subject, "export", authz.Object{Kind: "user", ID: u.ID, OrgID: u.OrgID})
}

// CanPseudonymize tells whether actor may pseudonymize u now: allowed,
// not oneself, not done already.
func (s *Service) CanPseudonymize(actor account.Principal, u *account.User) bool {
	return !IsPseudonymized(u) && s.Authz.Allowed(actor.Subject, "pseudonymize", authz.Object{Kind: "user", ID: u.ID, OrgID: u.OrgID})
}

// CanEditNotice tells whether who may edit the privacy notice.
func (s *Service) CanEditNotice(who authz.Subject) bool {
	return s.Authz.Allowed(who, "manage", authz.On("privacy"))
}
