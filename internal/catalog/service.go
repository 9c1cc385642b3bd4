package catalog

import (
	"context"
	"io"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
)

// Service is the catalog as the acting user may see and change it. Every
// method takes the actor first and asks the enforcer: which view of prices
// and contracts they get (ViewerFor), whether they may browse, and whether
// they maintain products and contracts.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// Clock gives the day prices and contract states are judged by.
	Clock clock.Clock
	// BaseURL is the shop's public address, for links in quota notices.
	BaseURL string
}

// NewService wires the catalog service on the system clock.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	return &Service{DB: bdb, Authz: az, Clock: clock.System()}
}

// Today is the day (Europe/Berlin) prices are resolved for and contract
// states are shown on.
func (s *Service) Today() calendar.Date { return clock.Today(s.Clock) }

// ViewerFor asks the enforcer what the actor sees of the catalog. Who may
// read the framework contracts of every organisation gets the provider's
// view: list prices, every contract, the eligible members of each.
// Everyone else sees it as their own organisation: its contract prices
// and only the contracts it is eligible for.
func (s *Service) ViewerFor(actor account.Principal) Viewer {
	if s.Authz.Allowed(actor.Subject, "read", authz.AcrossOrgs("contract")) {
		return Viewer{}
	}
	return Viewer{MemberID: actor.User.OrgID}
}

// CanManage tells whether the actor maintains products (sees inactive
// ones, edit links); every change asks the enforcer again.
func (s *Service) CanManage(actor account.Principal) bool {
	return s.Authz.Allowed(actor.Subject, "manage", authz.On("catalog"))
}

// Search finds products for the actor. Inactive products are left out
// unless the actor maintains the catalog; a contract filter must name a
// contract the actor may see (any other is a 404, as if it did not exist).
func (s *Service) Search(ctx context.Context, actor account.Principal, f Filter) (Page, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return Page{}, err
	}
	if !f.ActiveOnly && !s.CanManage(actor) {
		f.ActiveOnly = true
	}
	if f.ContractID != 0 {
		if _, err := s.Contract(ctx, actor, f.ContractID); err != nil {
			return Page{}, err
		}
	}
	return Search(ctx, s.DB, f)
}

// Count is how many products Search finds for the actor with f.
func (s *Service) Count(ctx context.Context, actor account.Principal, f Filter) (int, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return 0, err
	}
	if !f.ActiveOnly && !s.CanManage(actor) {
		f.ActiveOnly = true
	}
	return Count(ctx, s.DB, f)
}

// Prices gives the actor's price of each product today, as ViewerFor
// decides: the member's resolved prices (inactive products are absent) or
// the provider's list prices.
func (s *Service) Prices(ctx context.Context, actor account.Principal, products []*Product) (map[int64]Price, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return nil, err
	}
	return Prices(ctx, s.DB, s.ViewerFor(actor), products, s.Today())
}

// Categories lists the categories for the actor's catalog.
func (s *Service) Categories(ctx context.Context, actor account.Principal) ([]Category, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return nil, err
	}
	return Categories(ctx, s.DB)
}

// Product loads one product. An inactive one is a 404 for everyone but
// those who maintain the catalog.
func (s *Service) Product(ctx context.Context, actor account.Principal, id int64) (*Product, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return nil, err
	}
	p, err := GetProduct(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !p.Active && !s.CanManage(actor) {
		return nil, apperr.New(apperr.NotFound, "Produkt nicht gefunden.")
	}
	return p, nil
}

// AddProduct creates a product, audited, for who maintains the catalog.
func (s *Service) AddProduct(ctx context.Context, actor account.Principal, in ProductInput) (*Product, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("catalog")); err != nil {
		return nil, err
	}
	return AddProduct(ctx, s.DB, actor.Actor(), in)
}

// UpdateProduct changes a product whose version the actor saw.
func (s *Service) UpdateProduct(ctx context.Context, actor account.Principal, id, version int64, in ProductInput) (*Product, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("catalog")); err != nil {
		return nil, err
	}
	return UpdateProduct(ctx, s.DB, actor.Actor(), id, version, in)
}

// DeactivateProduct takes a product out of the catalog.
func (s *Service) DeactivateProduct(ctx context.Context, actor account.Principal, id, version int64) (*Product, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("catalog")); err != nil {
		return nil, err
	}
	return DeactivateProduct(ctx, s.DB, actor.Actor(), id, version)
}

// Contracts lists the framework contracts the actor may see (ViewerFor),
// one page at a time (limit 0: all), with the member's own usage for a
// member.
func (s *Service) Contracts(ctx context.Context, actor account.Principal, limit int, cursor string) ([]*Contract, string, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("contract")); err != nil {
		return nil, "", err
	}
	return VisibleContracts(ctx, s.DB, s.ViewerFor(actor), s.Today(), limit, cursor)
}

// Contract loads one framework contract the actor may see; one a member is
// not eligible for (or that has expired) is a 404.
func (s *Service) Contract(ctx context.Context, actor account.Principal, id int64) (*Contract, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("contract")); err != nil {
		return nil, err
	}
	return VisibleContract(ctx, s.DB, s.ViewerFor(actor), id, s.Today())
}

// AddContract creates a framework contract, audited.
func (s *Service) AddContract(ctx context.Context, actor account.Principal, in ContractInput) (*Contract, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("contract")); err != nil {
		return nil, err
	}
	return AddContract(ctx, s.DB, actor.Actor(), in)
}

// UpdateContract changes a framework contract whose version the actor saw.
func (s *Service) UpdateContract(ctx context.Context, actor account.Principal, id, version int64, in ContractInput) (*Contract, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("contract")); err != nil {
		return nil, err
	}
	return UpdateContract(ctx, s.DB, actor.Actor(), id, version, in)
}

// Members lists the member organisations a contract can name, for who
// sees every contract (the provider's view): the eligible members of
// each, and the choice on the contract form.
func (s *Service) Members(ctx context.Context, actor account.Principal) ([]account.Organisation, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.AcrossOrgs("contract")); err != nil {
		return nil, err
	}
	orgs, err := account.ListOrganisations(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	out := orgs[:0]
	for _, o := range orgs {
		if o.Kind == account.KindMember {
			out = append(out, o)
		}
	}
	return out, nil
}

// importAllowed: products need catalog manage, contract lines contract
// manage as well.
func (s *Service) importAllowed(ctx context.Context, actor account.Principal, kind string) error {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("catalog")); err != nil {
		return err
	}
	if kind == ImportContractLines {
		return s.Authz.Can(ctx, actor.Subject, "manage", authz.On("contract"))
	}
	return nil
}

// Import checks (dryRun) or imports a CSV file of products or contract
// lines for who may maintain them; see the package function Import.
func (s *Service) Import(ctx context.Context, actor account.Principal, kind string, r io.Reader, dryRun bool) (ImportReport, error) {
	if err := s.importAllowed(ctx, actor, kind); err != nil {
		return ImportReport{Kind: kind, DryRun: dryRun, Errors: []RowError{}, CategoriesCreated: []string{}}, err
	}
	return Import(ctx, s.DB, actor.Actor(), kind, r, dryRun)
}
