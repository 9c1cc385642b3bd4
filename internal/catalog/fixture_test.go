package catalog_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
)

type fixture struct {
	boerde, weissen int64
	products        map[string]*catalog.Product
	contracts       map[string]*catalog.Contract
}

func ptr(v int64) *int64 { return &v }

// newFixture builds two members, a few products and contracts:
//
//	RV-NB-2026   all members, 2026: NB-14 at 849 €, quota 250 / 100 per member
//	RV-NB-BILLIG Börde only, 2026: NB-14 at 799 €, quota 10
//	RV-TC-2025   expired 31.12.2025: TC-1 at 300 €
//	RV-TC-2027   from 01.01.2027: TC-1 at 280 €
//	RV-MON-2026  all, 2026: MON-27 at 150 €, minimum 5
func newFixture(t *testing.T, bdb *bun.DB) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{products: map[string]*catalog.Product{}, contracts: map[string]*catalog.Contract{}}
	b := &account.Organisation{Kind: "member", Name: "Landkreis Börde"}
	w := &account.Organisation{Kind: "member", Name: "Stadt Weißenfels"}
	for _, o := range []*account.Organisation{b, w} {
		if err := account.CreateOrganisation(ctx, bdb, o); err != nil {
			t.Fatal(err)
		}
	}
	f.boerde, f.weissen = b.ID, w.ID
	for _, p := range []*catalog.Product{
		{SKU: "NB-14", Name: "Notebook 14\"", Kind: "hardware", Unit: "Stück", ListPriceCents: 99900, VATPercent: 19, Active: true},
		{SKU: "TC-1", Name: "Thin Client", Kind: "hardware", Unit: "Stück", ListPriceCents: 35000, VATPercent: 19, Active: true},
		{SKU: "MON-27", Name: "Monitor 27\"", Kind: "hardware", Unit: "Stück", ListPriceCents: 19900, VATPercent: 19, Active: true},
		{SKU: "SRV-VOR-ORT", Name: "Vor-Ort-Installation", Kind: "service", Unit: "Stunde", ListPriceCents: 9500, VATPercent: 19, Active: true, QuoteOnly: true},
		{SKU: "OLD-1", Name: "Altgerät", Kind: "hardware", Unit: "Stück", ListPriceCents: 100, VATPercent: 19, Active: false},
	} {
		if err := catalog.CreateProduct(ctx, bdb, p); err != nil {
			t.Fatal(err)
		}
		f.products[p.SKU] = p
	}
	d := calendar.MustParse
	for _, c := range []*catalog.Contract{
		{Number: "RV-NB-2026", Title: "Notebooks", ValidFrom: d("2026-01-01"), ValidTo: d("2026-12-31"), AllMembers: true, Active: true,
			Lines: []*catalog.ContractLine{{ProductID: f.products["NB-14"].ID, PriceCents: 84900, QuotaTotal: ptr(250), QuotaPerMember: ptr(100)}}},
		{Number: "RV-NB-BILLIG", Title: "Notebooks Börde", ValidFrom: d("2026-01-01"), ValidTo: d("2026-12-31"), Active: true, Members: []int64{b.ID},
			Lines: []*catalog.ContractLine{{ProductID: f.products["NB-14"].ID, PriceCents: 79900, QuotaTotal: ptr(10)}}},
		{Number: "RV-TC-2025", Title: "Thin Clients alt", ValidFrom: d("2025-01-01"), ValidTo: d("2025-12-31"), AllMembers: true, Active: true,
			Lines: []*catalog.ContractLine{{ProductID: f.products["TC-1"].ID, PriceCents: 30000}}},
		{Number: "RV-TC-2027", Title: "Thin Clients neu", ValidFrom: d("2027-01-01"), ValidTo: d("2027-12-31"), AllMembers: true, Active: true,
			Lines: []*catalog.ContractLine{{ProductID: f.products["TC-1"].ID, PriceCents: 28000}}},
		{Number: "RV-MON-2026", Title: "Monitore", ValidFrom: d("2026-01-01"), ValidTo: d("2026-12-31"), AllMembers: true, Active: true,
			Lines: []*catalog.ContractLine{{ProductID: f.products["MON-27"].ID, PriceCents: 15000, MinQuantity: 5}}},
	} {
		if err := catalog.CreateContract(ctx, bdb, c); err != nil {
			t.Fatal(err)
		}
		f.contracts[c.Number] = c
	}
	return f
}
