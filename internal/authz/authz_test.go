package authz_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
)

// roleOrder is the column order of the matrix below.
var roleOrder = []string{"purchaser", "approver", "member_admin", "sales", "sales_lead", "catalog_manager", "finance", "auditor", "admin"}

// matrix states, for every action of the policy, which role may do it on an
// object of its kind (Y) and which may not (.), in roleOrder.
//
//	purchaser approver member_admin sales sales_lead catalog_manager finance auditor admin
var matrix = map[string]string{
	"catalog browse":  "YYYYYYYYY",
	"catalog manage":  ".....Y..Y",
	"contract read":   "YYYYYYYYY",
	"contract manage": ".....Y..Y",
	"cart use":        "Y........",
	"order submit":    "Y........",
	"order read":      "YYYYY.YYY",
	"order withdraw":  "Y........",
	"order edit":      "Y........",
	"order approve":   ".YY......",
	"order reject":    ".YY......",
	"order return":    ".YY......",
	"order confirm":   "...YY....",
	"order quote":     "...YY....",
	"order deliver":   "...YY....",
	// Provisioning (migration 0040): sales moves the units of a line.
	"order provision": "...YY....",
	"quote read":      "YYYYY.YYY",
	"quote edit":      "...YY....",
	"quote submit":    "...YY....",
	"quote approve":   "....Y....",
	// The approval inbox (migration 0057): the sales lead, and sales for
	// a Vertretung of the sales lead.
	"quote approvals":   "...YY....",
	"quote send":        "...YY....",
	"quote accept":      ".YY......",
	"quote reject":      "YYY......",
	"quote revise":      "YYY......",
	"invoice read":      "YYY...YYY",
	"invoice create":    "......Y..",
	"invoice credit":    "......Y..",
	"invoice export":    "......Y..",
	"invoice mark_paid": "......Y..",
	"invoice pay":       "Y.Y...Y..",
	"document read":     "YYYYY.YYY",
	"audit read":        "YYYYY.YYY",
	"mail read":         "........Y",
	"user list":         "..Y....YY",
	"user manage":       "..Y.....Y",
	"role assign":       "..Y.....Y",
	"settings manage":   "..Y.....Y",
	"policy view":       ".......YY",
	"policy edit":       "........Y",
	// Finance I (migration 0020): the provider's legal data are admin's,
	// a member's invoicing settings finance's and admin's.
	"provider_settings manage": "........Y",
	"provider_settings read":   "......YYY",
	"billing manage":           "......Y.Y",
	// Subscriptions and billing runs (migration 0036).
	"subscription read":   "YYYYY.YYY",
	"subscription change": "...YY....",
	"subscription end":    "...YY....",
	// Fewer seats or a cancellation asked for by the member (migration 0055).
	"subscription reduce": "Y.Y......",
	"billing_run create":  "......Y..",
	"billing_run read":    "......YYY",
	// Finance II/III (migrations 0030, 0031): the reminder block is
	// finance's; the DATEV settings and the reminder interval finance's
	// and admin's.
	"invoice block_reminders": "......Y..",
	"finance_settings manage": "......Y.Y",
	// Finance III (migration 0032): importing bank statements and reading
	// the payment lists (unmatched entries, unknown Stripe events, credits).
	"payment import": "......Y..",
	"payment read":   "......YYY",
	"payment assign": "......Y..",
	// Issue 13 (migration 0043): naming one's own deputy, naming another
	// user's deputy, changing an approval limit.
	"deputy name": ".YY.Y....",
	"user deputy": "..Y.....Y",
	"user limit":  "..Y.....Y",
	// Issue 14 (migration 0059): moving quota between members, the
	// call-off report (members: their own rows), who hears of quota
	// crossings (a recipient rule).
	"contract transfer_quota": ".....Y..Y",
	"contract call_offs":      "YYYYYY.YY",
	"contract quota_notice":   "..Y..Y...",
	// Issue 16 (migration 0071): the DSGVO export and pseudonymization of
	// a user, the privacy notice.
	"user export":       "..Y.....Y",
	"user pseudonymize": "..Y.....Y",
	"privacy read":      "YYYYYYYYY",
	"privacy manage":    "........Y",
	// Issue 16 (migration 0069): the operator's page and retrying a job.
	"operations read": "........Y",
	"job retry":       "........Y",
	// Issue 15 (migration 0081): /metrics for a scraper.
	"metrics read": "........Y",
	// Issue 14 (migration 0062): order lists of purchasers.
	"order_list read":   "Y........",
	"order_list manage": "Y........",
	"order_list share":  "Y........",
	// Issue 14 (migration 0068): sales start a project quotation, a
	// purchaser of the member takes a sent one up.
	"quote create":  "...YY....",
	"quote request": "Y........",
	// Issue 14 (migration 0065): purchase orders of drop shipments.
	"purchase_order read":   "...YY..YY",
	"purchase_order record": "...YY....",
}

type fixture struct {
	az       *authz.Authorizer
	subjects map[string]authz.Subject // by role (test users) or by demo e-mail
	boerde   int64
	weissen  int64
}

func setup(t testing.TB, bdb *bun.DB) fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, bdb); err != nil {
		t.Fatal(err)
	}
	boerde, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
	if err != nil {
		t.Fatal(err)
	}
	weissen, _ := account.OrganisationByName(ctx, bdb, "Stadt Weißenfels")
	kid, _ := account.OrganisationByName(ctx, bdb, "KID Magdeburg")
	// One user per role holding exactly that role.
	for _, role := range roleOrder {
		org := kid.ID
		if authz.IsMemberRole(role) {
			org = boerde.ID
		}
		u := &account.User{OrgID: org, Email: "only-" + role + "@test.example", Name: role}
		if err := account.CreateUserWithHash(ctx, bdb, u, demo.PasswordHash()); err != nil {
			t.Fatal(err)
		}
		if err := authz.Grant(ctx, bdb, u.ID, org, role); err != nil {
			t.Fatal(err)
		}
	}
	az, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(bdb, az, config.Default())
	users, err := account.ListUsers(ctx, bdb, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{az: az, subjects: map[string]authz.Subject{}, boerde: boerde.ID, weissen: weissen.ID}
	for _, u := range users {
		p, err := svc.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		key := u.Email
		if r, ok := strings.CutPrefix(u.Email, "only-"); ok {
			key = strings.TrimSuffix(r, "@test.example")
		}
		f.subjects[key] = p.Subject
	}
	return f
}

func TestEveryRoleAgainstEveryAction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		// The matrix names every action of the policy, and nothing else.
		seen := map[string]bool{}
		for _, p := range f.az.Permissions() {
			key := p.Object + " " + p.Action
			seen[key] = true
			if _, ok := matrix[key]; !ok {
				t.Errorf("policy has %q (role %s) that the matrix does not state", key, p.Role)
			}
		}
		for key, row := range matrix {
			if !seen[key] {
				t.Errorf("matrix states %q that the policy does not have", key)
			}
			kind, action, _ := strings.Cut(key, " ")
			for i, role := range roleOrder {
				want := row[i] == 'Y'
				got := f.az.Allowed(f.subjects[role], action, authz.On(kind))
				if got != want {
					t.Errorf("%s may %s: got %v, want %v", role, key, got, want)
				}
			}
		}
	})
}

func TestAttributeConditions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		s := f.subjects
		order := func(owner string, grossEUR int64, stage string, prior ...string) authz.Object {
			o := authz.Object{Kind: "order", ID: 42, OrgID: f.boerde, OwnerID: s[owner].UserID, AmountCents: grossEUR * 100, StageRole: stage}
			for _, p := range prior {
				o.PriorActors = append(o.PriorActors, s[p].UserID)
			}
			return o
		}
		quoteFor := func(requester string, grossEUR int64, stage string, prior ...string) authz.Object {
			o := order(requester, grossEUR, stage, prior...)
			o.Kind = "quote"
			return o
		}
		tests := []struct {
			name    string
			subject string
			action  string
			object  authz.Object
			want    apperr.Code // "" = allowed
		}{
			{"approver approves a colleague's order within limit", "genehmigung@boerde.example", "approve", order("einkauf@boerde.example", 20000, "approver"), ""},
			{"approver above own limit", "genehmigung@boerde.example", "approve", order("einkauf@boerde.example", 30000, "approver"), apperr.Forbidden},
			{"approver at exactly the limit", "genehmigung@boerde.example", "approve", order("einkauf@boerde.example", 25000, "approver"), ""},
			{"four-eyes: own request", "kaemmerei@boerde.example", "approve", order("kaemmerei@boerde.example", 100, "approver"), apperr.Forbidden},
			{"stage asks for member_admin, approver cannot", "genehmigung@boerde.example", "approve", order("einkauf@boerde.example", 100, "member_admin"), apperr.Forbidden},
			{"member_admin stage, no limit", "kaemmerei@boerde.example", "approve", order("einkauf@boerde.example", 30000, "member_admin", "genehmigung@boerde.example"), ""},
			{"one person, two stages", "kaemmerei@boerde.example", "approve", order("einkauf@boerde.example", 30000, "member_admin", "kaemmerei@boerde.example"), apperr.Forbidden},
			{"Weißenfels approver on a Börde order", "genehmigung@weissenfels.example", "approve", order("einkauf@boerde.example", 100, "approver"), apperr.NotFound},
			{"Weißenfels purchaser reads a Börde order", "einkauf@weissenfels.example", "read", order("einkauf@boerde.example", 100, ""), apperr.NotFound},
			{"sales approves a member stage", "vertrieb@kid.example", "approve", order("einkauf@boerde.example", 100, "approver"), apperr.Forbidden},
			{"purchaser approves own order", "einkauf@boerde.example", "approve", order("einkauf@boerde.example", 100, "approver"), apperr.Forbidden},
			{"purchaser withdraws own order", "einkauf@boerde.example", "withdraw", order("einkauf@boerde.example", 100, ""), ""},
			{"purchaser withdraws a colleague's order", "purchaser", "withdraw", order("einkauf@boerde.example", 100, ""), apperr.Forbidden},
			{"sales lead approves a colleague's quote", "vertriebsleitung@kid.example", "approve", authz.Object{Kind: "quote", ID: 5, OrgID: f.boerde, OwnerID: s["vertrieb@kid.example"].UserID}, ""},
			{"sales lead approves own quote draft", "vertriebsleitung@kid.example", "approve", authz.Object{Kind: "quote", ID: 5, OrgID: f.boerde, OwnerID: s["vertriebsleitung@kid.example"].UserID}, apperr.Forbidden},
			// Accepting a quotation is the member's approval of its amount
			// (migration 0012): the same conditions as an order's stage.
			{"purchaser accepts a quote", "einkauf@boerde.example", "accept", quoteFor("einkauf@boerde.example", 100, "approver"), apperr.Forbidden},
			{"approver accepts stage 1 of a quote", "genehmigung@boerde.example", "accept", quoteFor("einkauf@boerde.example", 20000, "approver"), ""},
			{"approver accepts a quote above the limit", "genehmigung@boerde.example", "accept", quoteFor("einkauf@boerde.example", 30000, "approver"), apperr.Forbidden},
			{"requester accepts the quote of own order", "kaemmerei@boerde.example", "accept", quoteFor("kaemmerei@boerde.example", 100, "approver"), apperr.Forbidden},
			{"approver accepts a member_admin stage", "amtsleitung@boerde.example", "accept", quoteFor("einkauf@boerde.example", 30000, "member_admin", "genehmigung@boerde.example"), apperr.Forbidden},
			{"member admin accepts stage 2", "kaemmerei@boerde.example", "accept", quoteFor("einkauf@boerde.example", 30000, "member_admin", "amtsleitung@boerde.example"), ""},
			{"one person, two quote stages", "kaemmerei@boerde.example", "accept", quoteFor("einkauf@boerde.example", 30000, "member_admin", "kaemmerei@boerde.example"), apperr.Forbidden},
			{"Weißenfels approver accepts a Börde quote", "genehmigung@weissenfels.example", "accept", quoteFor("einkauf@boerde.example", 100, "approver"), apperr.NotFound},
			{"sales starts a project quote for Börde", "vertrieb@kid.example", "create", authz.Object{Kind: "quote", OrgID: f.boerde}, ""},
			{"purchaser takes up a Börde project quote", "einkauf@boerde.example", "request", authz.Object{Kind: "quote", ID: 5, OrgID: f.boerde}, ""},
			{"Weißenfels purchaser takes up a Börde project quote", "einkauf@weissenfels.example", "request", authz.Object{Kind: "quote", ID: 5, OrgID: f.boerde}, apperr.NotFound},
			{"approver takes up a project quote", "genehmigung@boerde.example", "request", authz.Object{Kind: "quote", ID: 5, OrgID: f.boerde}, apperr.Forbidden},
			{"member admin manages a Weißenfels user", "kaemmerei@boerde.example", "manage", authz.Object{Kind: "user", ID: s["einkauf@weissenfels.example"].UserID, OrgID: f.weissen}, apperr.NotFound},
			{"member admin manages an own user", "kaemmerei@boerde.example", "manage", authz.Object{Kind: "user", ID: s["einkauf@boerde.example"].UserID, OrgID: f.boerde}, ""},
			{"member admin grants a provider role", "kaemmerei@boerde.example", "assign", authz.Object{Kind: "role", ID: s["einkauf@boerde.example"].UserID, OrgID: f.boerde, TargetRole: "admin"}, apperr.Forbidden},
			{"admin manages any member's user", "admin@kid.example", "manage", authz.Object{Kind: "user", ID: s["einkauf@weissenfels.example"].UserID, OrgID: f.weissen}, ""},
			{"purchaser manages the own member's settings", "einkauf@boerde.example", "manage", authz.Object{Kind: "settings", ID: f.boerde, OrgID: f.boerde}, apperr.Forbidden},
			{"sales manages a member's settings it may read", "vertrieb@kid.example", "manage", authz.Object{Kind: "settings", ID: f.boerde, OrgID: f.boerde}, apperr.Forbidden},
			{"member admin manages another member's settings", "kaemmerei@boerde.example", "manage", authz.Object{Kind: "settings", ID: f.weissen, OrgID: f.weissen}, apperr.NotFound},
			{"purchaser reads every organisation's contracts (the provider's view)", "einkauf@boerde.example", "read", authz.AcrossOrgs("contract"), apperr.Forbidden},
			{"member admin reads every organisation's contracts", "kaemmerei@boerde.example", "read", authz.AcrossOrgs("contract"), apperr.Forbidden},
			{"sales reads every organisation's contracts", "vertrieb@kid.example", "read", authz.AcrossOrgs("contract"), ""},
			{"catalog manager reads every organisation's contracts", "katalog@kid.example", "read", authz.AcrossOrgs("contract"), ""},
			// Order lists (migration 0062): a shared list is the member's
			// (its object names no owner), a personal one its owner's.
			{"purchaser reads a colleague's shared list", "purchaser", "read", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde}, ""},
			{"purchaser changes a colleague's shared list", "purchaser", "manage", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde}, ""},
			{"purchaser reads a colleague's personal list", "purchaser", "read", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde, OwnerID: s["einkauf@boerde.example"].UserID}, apperr.NotFound},
			{"owner reads the own personal list", "einkauf@boerde.example", "read", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde, OwnerID: s["einkauf@boerde.example"].UserID}, ""},
			{"owner makes the own list personal", "einkauf@boerde.example", "share", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde, OwnerID: s["einkauf@boerde.example"].UserID}, ""},
			{"colleague makes a shared list personal", "purchaser", "share", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde, OwnerID: s["einkauf@boerde.example"].UserID}, apperr.NotFound},
			{"Weißenfels purchaser reads a Börde shared list", "einkauf@weissenfels.example", "read", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde}, apperr.NotFound},
			{"approver reads a shared list", "genehmigung@boerde.example", "read", authz.Object{Kind: "order_list", ID: 7, OrgID: f.boerde}, apperr.NotFound},
			{"anonymous", "nobody", "read", order("einkauf@boerde.example", 1, ""), apperr.Unauthorized},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := f.az.Can(context.Background(), s[tt.subject], tt.action, tt.object)
				if tt.want == "" {
					if err != nil {
						t.Fatalf("denied: %v", err)
					}
					return
				}
				if got := apperr.CodeOf(err); got != tt.want {
					t.Fatalf("got %v (%s), want %s", err, got, tt.want)
				}
			})
		}
	})
}

// TestDeputyAndSelfConditions: a deputy's subject carries the principal's
// roles and limit (the enforcer looks up the principal's roles) while
// four-eyes looks at the deputy as a person; nobody assigns their own
// roles or changes their own limit.
func TestDeputyAndSelfConditions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		s := f.subjects
		as := func(deputy, principal string) authz.Subject {
			d, p := s[deputy], s[principal]
			p.UserID, p.Email, p.OnBehalfOf = d.UserID, d.Email, s[principal].UserID
			return p
		}
		order := func(owner string, grossEUR int64, stage string, prior ...string) authz.Object {
			o := authz.Object{Kind: "order", ID: 42, OrgID: f.boerde, OwnerID: s[owner].UserID, AmountCents: grossEUR * 100, StageRole: stage}
			for _, p := range prior {
				o.PriorActors = append(o.PriorActors, s[p].UserID)
			}
			return o
		}
		tests := []struct {
			name    string
			subject authz.Subject
			action  string
			object  authz.Object
			want    apperr.Code
		}{
			{"purchaser alone approves", s["purchaser"], "approve", order("einkauf@boerde.example", 100, "approver"), apperr.Forbidden},
			{"purchaser as the approver's deputy", as("purchaser", "genehmigung@boerde.example"), "approve", order("einkauf@boerde.example", 100, "approver"), ""},
			{"deputy above the principal's limit", as("purchaser", "genehmigung@boerde.example"), "approve", order("einkauf@boerde.example", 30000, "approver"), apperr.Forbidden},
			{"deputy on own request", as("einkauf@boerde.example", "genehmigung@boerde.example"), "approve", order("einkauf@boerde.example", 100, "approver"), apperr.Forbidden},
			{"deputy of the member admin decides stage 2 after the principal decided stage 1", as("amtsleitung@boerde.example", "kaemmerei@boerde.example"), "approve", order("einkauf@boerde.example", 30000, "member_admin", "kaemmerei@boerde.example"), ""},
			{"deputy who decided stage 1 decides stage 2", as("amtsleitung@boerde.example", "kaemmerei@boerde.example"), "approve", order("einkauf@boerde.example", 30000, "member_admin", "amtsleitung@boerde.example"), apperr.Forbidden},
			{"member admin changes own limit", s["kaemmerei@boerde.example"], "limit", authz.Object{Kind: "user", ID: s["kaemmerei@boerde.example"].UserID, OrgID: f.boerde}, apperr.Forbidden},
			{"member admin changes a colleague's limit", s["kaemmerei@boerde.example"], "limit", authz.Object{Kind: "user", ID: s["genehmigung@boerde.example"].UserID, OrgID: f.boerde}, ""},
			{"member admin assigns own roles", s["kaemmerei@boerde.example"], "assign", authz.Object{Kind: "role", ID: s["kaemmerei@boerde.example"].UserID, OrgID: f.boerde, TargetRole: "approver"}, apperr.Forbidden},
			{"admin assigns own roles", s["admin@kid.example"], "assign", authz.Object{Kind: "role", ID: s["admin@kid.example"].UserID, OrgID: s["admin@kid.example"].OrgID, TargetRole: "finance"}, apperr.Forbidden},
			{"admin changes own limit", s["admin@kid.example"], "limit", authz.Object{Kind: "user", ID: s["admin@kid.example"].UserID, OrgID: s["admin@kid.example"].OrgID}, apperr.Forbidden},
			// Issue 16: DSGVO export and pseudonymization; own member only,
			// never oneself.
			{"member admin exports an own user", s["kaemmerei@boerde.example"], "export", authz.Object{Kind: "user", ID: s["einkauf@boerde.example"].UserID, OrgID: f.boerde}, ""},
			{"member admin exports a Weißenfels user", s["kaemmerei@boerde.example"], "export", authz.Object{Kind: "user", ID: s["einkauf@weissenfels.example"].UserID, OrgID: f.weissen}, apperr.NotFound},
			{"member admin pseudonymizes an own user", s["kaemmerei@boerde.example"], "pseudonymize", authz.Object{Kind: "user", ID: s["einkauf@boerde.example"].UserID, OrgID: f.boerde}, ""},
			{"member admin pseudonymizes themselves", s["kaemmerei@boerde.example"], "pseudonymize", authz.Object{Kind: "user", ID: s["kaemmerei@boerde.example"].UserID, OrgID: f.boerde}, apperr.Forbidden},
			{"member admin pseudonymizes a Weißenfels user", s["kaemmerei@boerde.example"], "pseudonymize", authz.Object{Kind: "user", ID: s["einkauf@weissenfels.example"].UserID, OrgID: f.weissen}, apperr.NotFound},
			{"admin pseudonymizes any member's user", s["admin@kid.example"], "pseudonymize", authz.Object{Kind: "user", ID: s["einkauf@weissenfels.example"].UserID, OrgID: f.weissen}, ""},
			{"admin pseudonymizes themselves", s["admin@kid.example"], "pseudonymize", authz.Object{Kind: "user", ID: s["admin@kid.example"].UserID, OrgID: s["admin@kid.example"].OrgID}, apperr.Forbidden},
			{"auditor exports a user", s["revision@kid.example"], "export", authz.Object{Kind: "user", ID: s["einkauf@boerde.example"].UserID, OrgID: f.boerde}, apperr.Forbidden},
			{"member admin names a Weißenfels user's deputy", s["kaemmerei@boerde.example"], "deputy", authz.Object{Kind: "user", ID: s["einkauf@weissenfels.example"].UserID, OrgID: f.weissen}, apperr.NotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := f.az.Can(context.Background(), tt.subject, tt.action, tt.object)
				if tt.want == "" {
					if err != nil {
						t.Fatalf("denied: %v", err)
					}
					return
				}
				if got := apperr.CodeOf(err); got != tt.want {
					t.Fatalf("got %v (%q), want %q", err, got, tt.want)
				}
			})
		}
	})
}
