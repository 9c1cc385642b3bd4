// Package demo creates the demonstration data of DESIGN §7 and API.md: the
// provider, five member municipalities and one login per role, all with the
// printed demo password. It runs only when asked (`coopshop seed`).
package demo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
)

// Password is the demo password of every demo login.
const Password = "coopshop-demo"

// Login is one demo login, printed by `make run`.
type Login struct {
	Email, Org, Roles string
}

func eur(v int64) *int64 { c := v * 100; return &c }

type demoUser struct {
	email, name, org string
	roles            []string
	limit            *int64
}

var organisations = []account.Organisation{
	{Kind: account.KindProvider, Name: "KID Magdeburg", Bundesland: "ST", ShortName: "KID", Street: "Alter Markt 6", Zip: "39104", City: "Magdeburg", Email: "vertrieb@kid.example"},
	{Kind: account.KindMember, Name: "Landkreis Börde", Bundesland: "ST", ShortName: "Börde", Street: "Gerikestraße 104", Zip: "39340", City: "Haldensleben", LeitwegID: "15083-BOERDE-14", Email: "einkauf@boerde.example"},
	{Kind: account.KindMember, Name: "Stadt Weißenfels", Bundesland: "ST", ShortName: "Weißenfels", Street: "Markt 1", Zip: "06667", City: "Weißenfels", LeitwegID: "15084590-WEISSENFELS-64", Email: "einkauf@weissenfels.example"},
	{Kind: account.KindMember, Name: "Stadt Wolmirstedt", Bundesland: "ST", ShortName: "Wolmirstedt", Street: "August-Bebel-Straße 25", Zip: "39326", City: "Wolmirstedt", LeitwegID: "15083570-WOLMIRSTEDT-13", Email: "einkauf@wolmirstedt.example"},
	{Kind: account.KindMember, Name: "Verbandsgemeinde Obere Aller", Bundesland: "ST", ShortName: "Obere Aller", Street: "Marktplatz 12", Zip: "39365", City: "Eilsleben", LeitwegID: "15083-OBEREALLER-97", Email: "einkauf@obere-aller.example"},
	{Kind: account.KindMember, Name: "Landkreis Wesermarsch", Bundesland: "NI", ShortName: "Wesermarsch", Street: "Poggenburger Straße 15", Zip: "26919", City: "Brake", LeitwegID: "03461-WESERMARSCH-42", Email: "einkauf@wesermarsch.example"},
}

var users = []demoUser{
	{"admin@kid.example", "Anna Adler", "KID Magdeburg", []string{authz.RoleAdmin}, nil},
	{"vertrieb@kid.example", "Volker Vogt", "KID Magdeburg", []string{authz.RoleSales}, nil},
	{"vertriebsleitung@kid.example", "Lena Lorenz", "KID Magdeburg", []string{authz.RoleSalesLead}, nil},
	{"katalog@kid.example", "Karl Krüger", "KID Magdeburg", []string{authz.RoleCatalogManager}, nil},
	{"finanzen@kid.example", "Frieda Fuchs", "KID Magdeburg", []string{authz.RoleFinance}, nil},
	{"revision@kid.example", "Rainer Roth", "KID Magdeburg", []string{authz.RoleAuditor}, nil},
	{"einkauf@boerde.example", "Birgit Böhm", "Landkreis Börde", []string{authz.RolePurchaser}, nil},
	{"genehmigung@boerde.example", "Gerd Günther", "Landkreis Börde", []string{authz.RoleApprover}, eur(25000)},
	{"kaemmerei@boerde.example", "Käthe Kämmerer", "Landkreis Börde", []string{authz.RoleMemberAdmin, authz.RoleApprover}, nil},
	// A second approver with a limit above 30.000 €, so that a large Börde
	// order can pass both stages: stage 1 (approver) here, stage 2
	// (member_admin) by the Kämmerei – four-eyes forbids one person both.
	{"amtsleitung@boerde.example", "Anke Albrecht", "Landkreis Börde", []string{authz.RoleApprover}, eur(100000)},
	{"einkauf@weissenfels.example", "Wiebke Weiß", "Stadt Weißenfels", []string{authz.RolePurchaser}, nil},
	{"genehmigung@weissenfels.example", "Walter Weber", "Stadt Weißenfels", []string{authz.RoleApprover}, eur(10000)},
}

// Logins lists the demo logins for printing.
func Logins() []Login {
	out := make([]Login, 0, len(users))
	for _, u := range users {
		roles := ""
		for i, r := range u.roles {
			if i > 0 {
				roles += ", "
			}
			roles += r
		}
		out = append(out, Login{Email: u.email, Org: u.org, Roles: roles})
	}
	return out
}

// Step is one part of the demo data; later parts (catalog, rules) append
// their own steps. Each runs in the seed transaction; today is the seed
// date, which every date of the demo is relative to.
type Step func(ctx context.Context, tx bun.Tx, today calendar.Date) error

// Steps run in order by Seed.
var Steps = []Step{seedAccounts}

// Seed creates the demo data unless it exists, relative to the system
// clock's today; it reports whether it did.
func Seed(ctx context.Context, bdb *bun.DB) (bool, error) {
	return SeedOn(ctx, bdb, clock.Today(clock.System()))
}

// SeedOn creates the demo data unless it exists, with every date relative
// to today (contracts valid in today's year and the next, one expired,
// one starting next year); it reports whether it did. Tests pass the day
// of their fixed clock.
func SeedOn(ctx context.Context, bdb *bun.DB, today calendar.Date) (bool, error) {
	_, err := account.OrganisationByName(ctx, bdb, organisations[0].Name)
	if err == nil {
		return false, nil
	}
	if apperr.CodeOf(err) != apperr.NotFound {
		return false, err
	}
	err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, step := range Steps {
			if err := step(ctx, tx, today); err != nil {
				return err
			}
		}
		return nil
	})
	return err == nil, err
}

// PasswordHash is the hash of Password, made once per process.
var PasswordHash = sync.OnceValue(func() string {
	h, err := account.HashWeak(Password)
	if err != nil {
		panic(err)
	}
	return h
})

// demoDeputy is the Vertretung of the demo (issue 13): the Kämmerei, the
// only member admin of Landkreis Börde, is away for two weeks and the
// Amtsleitung stands in for her, so that a large Börde order whose stage
// 1 the Kämmerei decided herself (four-eyes bars her from stage 2) can
// still be decided – by the Amtsleitung in her name.
var demoDeputy = struct{ principal, deputy string }{"kaemmerei@boerde.example", "amtsleitung@boerde.example"}

func seedAccounts(ctx context.Context, tx bun.Tx, today calendar.Date) error {
	ids := map[string]int64{}
	for _, o := range organisations {
		o := o
		if err := account.CreateOrganisation(ctx, tx, &o); err != nil {
			return err
		}
		ids[o.Name] = o.ID
	}
	for _, du := range users {
		u := &account.User{OrgID: ids[du.org], Email: du.email, Name: du.name, ApprovalLimitCents: du.limit}
		if err := account.CreateUserWithHash(ctx, tx, u, PasswordHash()); err != nil {
			return err
		}
		for _, r := range du.roles {
			if err := authz.Grant(ctx, tx, u.ID, u.OrgID, r); err != nil {
				return fmt.Errorf("grant %s to %s: %w", r, du.email, err)
			}
		}
	}
	p, err := account.UserByEmail(ctx, tx, demoDeputy.principal)
	if err != nil {
		return err
	}
	d, err := account.UserByEmail(ctx, tx, demoDeputy.deputy)
	if err != nil {
		return err
	}
	dep := &account.Deputy{OrgID: p.OrgID, PrincipalID: p.ID, DeputyID: d.ID, From: today.AddDays(-1), To: today.AddDays(13), CreatedAt: time.Now().UTC()}
	if _, err := tx.NewInsert().Model(dep).Exec(ctx); err != nil {
		return fmt.Errorf("demo deputy: %w", err)
	}
	return nil
}
