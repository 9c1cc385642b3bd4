package catalog_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
)

// serviceFixture is the demo data with the catalog service over it, on a
// day the demo contracts of 2026/27 are valid.
type serviceFixture struct {
	db       *bun.DB
	az       *authz.Authorizer
	accounts *account.Service
	svc      *catalog.Service
}

func newServiceFixture(t testing.TB, bdb *bun.DB) *serviceFixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, bdb); err != nil {
		t.Fatal(err)
	}
	// A user of the provider who holds only a member-side role: what they
	// see must follow the policy, not the kind of their organisation.
	kid, err := account.OrganisationByName(ctx, bdb, "KID Magdeburg")
	if err != nil {
		t.Fatal(err)
	}
	u := &account.User{OrgID: kid.ID, Email: "nur-besteller@kid.example", Name: "Nur Besteller"}
	if err := account.CreateUserWithHash(ctx, bdb, u, demo.PasswordHash()); err != nil {
		t.Fatal(err)
	}
	if err := authz.Grant(ctx, bdb, u.ID, kid.ID, authz.RolePurchaser); err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	svc := catalog.NewService(bdb, az)
	svc.Clock = clock.At(calendar.MustParse("2026-06-15"))
	return &serviceFixture{db: bdb, az: az, accounts: account.NewService(bdb, az, config.Default()), svc: svc}
}

func (f *serviceFixture) p(t testing.TB, email string) account.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, f.db, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.accounts.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}

func wantServiceCode(t *testing.T, err error, want apperr.Code) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("got %v, want no error", err)
		}
		return
	}
	if got := apperr.CodeOf(err); got != want {
		t.Fatalf("got %v (code %q), want code %q", err, got, want)
	}
}

// TestViewerAsksTheEnforcer: the provider's view (list prices, every
// contract) goes to whoever may read every organisation's contracts; a
// provider user without that permission sees the catalog as their own
// organisation does, and a member's users see their member's prices and
// only the contracts it is eligible for.
func TestViewerAsksTheEnforcer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newServiceFixture(t, bdb)
		ctx := context.Background()
		nb, err := catalog.ProductBySKU(ctx, bdb, "NB-LEN-T14-G5")
		wantServiceCode(t, err, "")
		rental, _, err := f.svc.Contracts(ctx, f.p(t, "admin@kid.example"), 0, "")
		wantServiceCode(t, err, "")
		var miet *catalog.Contract // not open to Stadt Weißenfels
		for _, c := range rental {
			if c.Number == "RV-2026-MIET-04" {
				miet = c
			}
		}
		if miet == nil {
			t.Fatal("the provider's admin does not see RV-2026-MIET-04")
		}
		tests := []struct {
			email     string
			provider  bool
			price     int64
			mietFound bool
		}{
			{"einkauf@boerde.example", false, 84900, true},
			{"einkauf@weissenfels.example", false, 84900, false},
			{"vertrieb@kid.example", true, 104900, true},
			{"katalog@kid.example", true, 104900, true},
			// As its own organisation: the contracts open to all, not
			// those that list their members.
			{"nur-besteller@kid.example", false, 84900, false},
		}
		for _, tt := range tests {
			t.Run(tt.email, func(t *testing.T) {
				p := f.p(t, tt.email)
				if got := f.svc.ViewerFor(p).Provider(); got != tt.provider {
					t.Fatalf("provider view %v, want %v", got, tt.provider)
				}
				prices, err := f.svc.Prices(ctx, p, []*catalog.Product{nb})
				wantServiceCode(t, err, "")
				if got := prices[nb.ID].UnitCents; got != tt.price {
					t.Errorf("price %d, want %d", got, tt.price)
				}
				_, err = f.svc.Contract(ctx, p, miet.ID)
				_, serr := f.svc.Search(ctx, p, catalog.Filter{ContractID: miet.ID, ActiveOnly: true})
				_, merr := f.svc.Members(ctx, p)
				if tt.mietFound {
					wantServiceCode(t, err, "")
					wantServiceCode(t, serr, "")
				} else {
					wantServiceCode(t, err, apperr.NotFound)
					wantServiceCode(t, serr, apperr.NotFound)
				}
				if tt.provider {
					wantServiceCode(t, merr, "")
				} else {
					wantServiceCode(t, merr, apperr.Forbidden)
				}
			})
		}
	})
}

// TestCatalogRefusals: a role without the permission is refused by the
// enforcer, also when it is a provider role: without contract read sales
// sees no contracts at all; only who maintains the catalog changes it or
// sees inactive products.
func TestCatalogRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newServiceFixture(t, bdb)
		ctx := context.Background()
		sales, manager, buyer := f.p(t, "vertrieb@kid.example"), f.p(t, "katalog@kid.example"), f.p(t, "einkauf@boerde.example")

		old, err := catalog.ProductBySKU(ctx, bdb, "NB-LEN-T14-G4") // inactive
		wantServiceCode(t, err, "")
		_, err = f.svc.Product(ctx, buyer, old.ID)
		wantServiceCode(t, err, apperr.NotFound)
		_, err = f.svc.Product(ctx, sales, old.ID)
		wantServiceCode(t, err, apperr.NotFound)
		_, err = f.svc.Product(ctx, manager, old.ID)
		wantServiceCode(t, err, "")
		page, err := f.svc.Search(ctx, buyer, catalog.Filter{Q: "T14 Gen 4"}) // asks for inactive ones too
		wantServiceCode(t, err, "")
		for _, p := range page.Products {
			if !p.Active {
				t.Errorf("a purchaser finds the inactive %s", p.SKU)
			}
		}
		page, err = f.svc.Search(ctx, manager, catalog.Filter{Q: "T14 Gen 4"})
		wantServiceCode(t, err, "")
		if len(page.Products) == 0 {
			t.Error("the catalog manager does not find the inactive product")
		}

		in := catalog.ProductInput{SKU: "X-1", Name: "Test", Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 100, VATPercent: 19, Active: true}
		_, err = f.svc.AddProduct(ctx, sales, in)
		wantServiceCode(t, err, apperr.Forbidden)
		_, err = f.svc.DeactivateProduct(ctx, buyer, old.ID, old.Version)
		wantServiceCode(t, err, apperr.Forbidden)
		_, err = f.svc.AddContract(ctx, sales, catalog.ContractInput{})
		wantServiceCode(t, err, apperr.Forbidden)
		_, err = f.svc.Import(ctx, sales, catalog.ImportProducts, strings.NewReader(""), true)
		wantServiceCode(t, err, apperr.Forbidden)
		p, err := f.svc.AddProduct(ctx, manager, in)
		wantServiceCode(t, err, "")
		if p.SKU != "X-1" {
			t.Fatalf("product %+v", p)
		}

		// Without the policy line, sales reads no contracts at all.
		if _, err := bdb.NewDelete().Table("casbin_rule").Where("p_type = 'p' AND v0 = 'sales' AND v1 = 'contract' AND v2 = 'read'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.az.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		sales = f.p(t, "vertrieb@kid.example")
		_, _, err = f.svc.Contracts(ctx, sales, 0, "")
		wantServiceCode(t, err, apperr.Forbidden)
		_, err = f.svc.Members(ctx, sales)
		wantServiceCode(t, err, apperr.Forbidden)
		if f.svc.ViewerFor(sales).Provider() {
			t.Error("sales keeps the provider's view without contract read")
		}
	})
}
