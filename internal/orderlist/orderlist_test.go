package orderlist_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/orderlist"
)

type fixture struct {
	*ordertest.Fixture
	Lists *orderlist.Service
}

// setup seeds the demo and the test catalog and adds a second purchaser
// of Landkreis Börde (colleague@boerde.test).
func setup(t *testing.T, bdb *bun.DB) fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, bdb); err != nil {
		t.Fatal(err)
	}
	boerde, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
	if err != nil {
		t.Fatal(err)
	}
	u := &account.User{OrgID: boerde.ID, Email: "colleague@boerde.test", Name: "Kollegin Einkauf"}
	if err := account.CreateUserWithHash(ctx, bdb, u, demo.PasswordHash()); err != nil {
		t.Fatal(err)
	}
	if err := authz.Grant(ctx, bdb, u.ID, boerde.ID, authz.RolePurchaser); err != nil {
		t.Fatal(err)
	}
	// The demo's lists (one shared of Börde, one personal of Weißenfels)
	// are there; the tests start without them.
	var n int
	if err := bdb.NewSelect().Table("order_lists").ColumnExpr("COUNT(*)").Scan(ctx, &n); err != nil || n != 2 {
		t.Fatalf("demo order lists: %d %v", n, err)
	}
	for _, q := range []string{"DELETE FROM order_list_items", "DELETE FROM order_lists"} {
		if _, err := bdb.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	f := ordertest.Attach(t, bdb)
	return fixture{Fixture: f, Lists: orderlist.NewService(bdb, f.Authz, f.Carts, f.Orders)}
}

func (f fixture) item(sku string, q int64) orderlist.ItemInput {
	return orderlist.ItemInput{ProductID: f.Products[sku].ID, Quantity: q}
}

// TestSharedAndPersonalLists: a shared list is seen and changed by every
// purchaser of the member, a personal one by its owner only; another
// member's lists and a colleague's personal list are 404s; only the
// owner makes a list shared or personal.
func TestSharedAndPersonalLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		owner, colleague := f.P(t, "einkauf@boerde.example"), f.P(t, "colleague@boerde.test")
		stranger, approver := f.P(t, "einkauf@weissenfels.example"), f.P(t, "genehmigung@boerde.example")

		personal, err := f.Lists.Create(ctx, owner, orderlist.Input{Name: "Meine Merkliste", Items: []orderlist.ItemInput{f.item("T-NB", 2)}})
		ordertest.WantCode(t, err, "")
		shared, err := f.Lists.Create(ctx, owner, orderlist.Input{Name: " Schulen 2027 ", Shared: true,
			Items: []orderlist.ItemInput{f.item("T-MON", 3), f.item("T-MON", 2), f.item("T-NB", 1)}})
		ordertest.WantCode(t, err, "")
		if shared.Name != "Schulen 2027" || shared.ItemCount != 2 {
			t.Fatalf("shared list %+v", shared)
		}
		names := func(p account.Principal) string {
			ls, err := f.Lists.Lists(ctx, p, orderlist.Filter{})
			if err != nil {
				return "error " + string(apperr.CodeOf(err))
			}
			var out []string
			for _, l := range ls {
				out = append(out, l.Name)
			}
			return strings.Join(out, ", ")
		}
		for _, tt := range []struct {
			who  string
			p    account.Principal
			want string
		}{
			{"owner", owner, "Schulen 2027, Meine Merkliste"},
			{"colleague", colleague, "Schulen 2027"},
			{"other member", stranger, ""},
			{"approver", approver, "error forbidden"},
		} {
			if got := names(tt.p); got != tt.want {
				t.Errorf("%s sees %q, want %q", tt.who, got, tt.want)
			}
		}
		v, err := f.Lists.Get(ctx, colleague, shared.ID)
		ordertest.WantCode(t, err, "")
		if len(v.Lines) != 2 || v.Lines[0].Product.SKU != "T-MON" || v.Lines[0].Quantity != 5 || v.Lines[0].SavedCents != 15000 || v.Lines[0].Changed {
			t.Fatalf("shared list lines %+v", v.Lines)
		}
		steps := []struct {
			name string
			do   func() error
			want apperr.Code
		}{
			{"colleague reads the personal list", func() error { _, err := f.Lists.Get(ctx, colleague, personal.ID); return err }, apperr.NotFound},
			{"colleague puts the personal list into the cart", func() error { _, err := f.Lists.ToCart(ctx, colleague, personal.ID); return err }, apperr.NotFound},
			{"colleague deletes the personal list", func() error { _, err := f.Lists.Delete(ctx, colleague, personal.ID, 1); return err }, apperr.NotFound},
			{"other member reads the shared list", func() error { _, err := f.Lists.Get(ctx, stranger, shared.ID); return err }, apperr.NotFound},
			{"other member adds to the shared list", func() error {
				_, _, err := f.Lists.AddItem(ctx, stranger, shared.ID, f.Products["T-SSD"].ID, 1)
				return err
			}, apperr.NotFound},
			{"approver reads the shared list", func() error { _, err := f.Lists.Get(ctx, approver, shared.ID); return err }, apperr.NotFound},
			{"colleague adds to the shared list", func() error {
				_, _, err := f.Lists.AddItem(ctx, colleague, shared.ID, f.Products["T-SSD"].ID, 4)
				return err
			}, ""},
			{"colleague renames with a stale version", func() error {
				n := "Alt"
				_, err := f.Lists.Update(ctx, colleague, shared.ID, 1, orderlist.Change{Name: &n})
				return err
			}, apperr.Conflict},
			{"colleague renames the shared list", func() error {
				n := "Schulen 2027/28"
				_, err := f.Lists.Update(ctx, colleague, shared.ID, 2, orderlist.Change{Name: &n, Quantities: map[int64]int64{f.Products["T-NB"].ID: 0}})
				return err
			}, ""},
			{"colleague makes the shared list personal", func() error {
				no := false
				_, err := f.Lists.Update(ctx, colleague, shared.ID, 3, orderlist.Change{Shared: &no})
				return err
			}, apperr.Forbidden},
			{"owner makes the shared list personal", func() error {
				no := false
				_, err := f.Lists.Update(ctx, owner, shared.ID, 3, orderlist.Change{Shared: &no})
				return err
			}, ""},
			{"colleague reads it now", func() error { _, err := f.Lists.Get(ctx, colleague, shared.ID); return err }, apperr.NotFound},
			{"empty name", func() error { _, err := f.Lists.Create(ctx, owner, orderlist.Input{Name: "  "}); return err }, apperr.Invalid},
			{"unknown product", func() error {
				_, err := f.Lists.Create(ctx, owner, orderlist.Input{Name: "X", Items: []orderlist.ItemInput{{ProductID: 999999, Quantity: 1}}})
				return err
			}, apperr.Invalid},
			{"owner deletes the personal list", func() error { _, err := f.Lists.Delete(ctx, owner, personal.ID, 1); return err }, ""},
		}
		for _, s := range steps {
			if err := s.do(); apperr.CodeOf(err) != s.want && !(s.want == "" && err == nil) {
				t.Fatalf("%s: got %v, want %q", s.name, err, s.want)
			}
		}
		v, err = f.Lists.Get(ctx, owner, shared.ID)
		ordertest.WantCode(t, err, "")
		if v.List.Name != "Schulen 2027/28" || v.List.Shared || len(v.Lines) != 2 || v.Lines[1].Product.SKU != "T-SSD" || v.Lines[1].Quantity != 4 {
			t.Errorf("after the edits: %+v %+v", v.List, v.Lines)
		}
		if got := names(owner); got != "Schulen 2027/28" {
			t.Errorf("after the delete the owner sees %q", got)
		}
	})
}

// TestListIntoCartShowsChangedPrices: a list goes into the cart at
// today's prices; a moved contract price, a contract price lost to the
// quota and a product taken out of the catalog are each named with the
// old and the new price, and the product that is gone stays out.
func TestListIntoCartShowsChangedPrices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		buyer := f.P(t, "einkauf@boerde.example")
		l, err := f.Lists.Create(ctx, buyer, orderlist.Input{Name: "Schulen", Shared: true, Items: []orderlist.ItemInput{
			f.item("T-NB", 2), f.item("T-MON", 1), f.item("T-SSD", 3), f.item("T-DOCK", 1), f.item("T-ACC-01", 5)}})
		ordertest.WantCode(t, err, "")
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-NB": 1})

		exec := func(q string, args ...any) {
			if _, err := bdb.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec("UPDATE contract_lines SET price_cents = 89900 WHERE product_id = ?", f.Products["T-NB"].ID)
		exec("UPDATE products SET active = FALSE WHERE id = ?", f.Products["T-MON"].ID)
		exec("UPDATE contract_lines SET quota_total = 2 WHERE product_id = ?", f.Products["T-SSD"].ID)

		v, err := f.Lists.Get(ctx, buyer, l.ID)
		ordertest.WantCode(t, err, "")
		changed := map[string]bool{}
		for _, ln := range v.Lines {
			changed[ln.Product.SKU] = ln.Changed || !ln.Available
		}
		if !changed["T-NB"] || !changed["T-MON"] || !changed["T-SSD"] || changed["T-DOCK"] || changed["T-ACC-01"] {
			t.Errorf("list page marks %v", changed)
		}

		tr, err := f.Lists.ToCart(ctx, buyer, l.ID)
		ordertest.WantCode(t, err, "")
		if tr.Added != 4 || tr.Source != "„Schulen“" {
			t.Errorf("transfer %+v", tr)
		}
		byKind := map[string]orderlist.Notice{}
		for _, n := range tr.Notices {
			byKind[n.Kind] = n
		}
		want := []struct {
			kind, sku string
			old, new  int64
			says      []string
		}{
			{orderlist.NoticePriceChanged, "T-NB", 84900, 89900, []string{"Test-Notebook", "899,00 €", "849,00 €"}},
			{orderlist.NoticeUnavailable, "T-MON", 15000, 0, []string{"Test-Monitor", "nicht mehr im Katalog"}},
			{orderlist.NoticeNeedsQuote, "T-SSD", 5000, 8900, []string{"Test-SSD", "50,00 €", "89,00 €", "Kontingent", "Angebot"}},
		}
		if len(tr.Notices) != len(want) {
			t.Errorf("%d notices: %+v", len(tr.Notices), tr.Notices)
		}
		for _, w := range want {
			n, ok := byKind[w.kind]
			if !ok || n.SKU != w.sku || n.OldCents != w.old || n.NewCents != w.new {
				t.Errorf("%s: %+v", w.kind, n)
				continue
			}
			for _, s := range w.says {
				if !strings.Contains(n.Message, s) {
					t.Errorf("%s: %q does not say %q", w.kind, n.Message, s)
				}
			}
		}
		c, err := f.Carts.View(ctx, buyer)
		ordertest.WantCode(t, err, "")
		got := map[string]int64{}
		for _, ln := range c.Lines {
			got[ln.Product.SKU] = ln.Quantity
			if ln.Changed {
				t.Errorf("%s is marked changed in the cart: the transfer told the new price", ln.Product.SKU)
			}
		}
		if len(got) != 4 || got["T-NB"] != 3 || got["T-SSD"] != 3 || got["T-DOCK"] != 1 || got["T-ACC-01"] != 5 {
			t.Errorf("cart %v", got)
		}
		// A list of nothing but products that are gone puts nothing in.
		gone, err := f.Lists.Create(ctx, buyer, orderlist.Input{Name: "Alt", Items: []orderlist.ItemInput{f.item("T-DOCK", 1)}})
		ordertest.WantCode(t, err, "")
		exec("UPDATE products SET active = FALSE WHERE id = ?", f.Products["T-DOCK"].ID)
		_, err = f.Lists.ToCart(ctx, buyer, gone.ID)
		ordertest.WantCode(t, err, apperr.Invalid)
	})
}

// TestReorderAndSaveOrder: a past order goes into the cart again or
// becomes a list; another member's order is a 404.
func TestReorderAndSaveOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		buyer := f.P(t, "einkauf@boerde.example")
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 2, "T-MON": 4})
		if _, err := bdb.ExecContext(ctx, "UPDATE contract_lines SET price_cents = 14000 WHERE product_id = ?", f.Products["T-MON"].ID); err != nil {
			t.Fatal(err)
		}
		tr, err := f.Lists.Reorder(ctx, buyer, o.ID)
		ordertest.WantCode(t, err, "")
		if tr.Added != 2 || len(tr.Notices) != 1 || !strings.Contains(tr.Notices[0].Message, "140,00 €") || !strings.Contains(tr.Notices[0].Message, o.Number) {
			t.Errorf("reorder %+v", tr)
		}
		c, _ := f.Carts.View(ctx, buyer)
		if len(c.Lines) != 2 {
			t.Errorf("cart after reorder: %d lines", len(c.Lines))
		}
		l, err := f.Lists.SaveOrder(ctx, buyer, o.ID, "Wie "+o.Number, false)
		ordertest.WantCode(t, err, "")
		v, err := f.Lists.Get(ctx, buyer, l.ID)
		ordertest.WantCode(t, err, "")
		if len(v.Lines) != 2 || v.Lines[0].Quantity+v.Lines[1].Quantity != 6 || v.List.Shared {
			t.Errorf("saved list %+v", v.Lines)
		}
		_, err = f.Lists.Reorder(ctx, f.P(t, "einkauf@weissenfels.example"), o.ID)
		ordertest.WantCode(t, err, apperr.NotFound)
		_, err = f.Lists.SaveOrder(ctx, f.P(t, "einkauf@weissenfels.example"), o.ID, "X", false)
		ordertest.WantCode(t, err, apperr.NotFound)
	})
}

// TestConcurrentEdits: many purchasers change a shared list with the same
// version at once; exactly one edit wins, the others get a conflict.
func TestConcurrentEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		owner, colleague := f.P(t, "einkauf@boerde.example"), f.P(t, "colleague@boerde.test")
		l, err := f.Lists.Create(ctx, owner, orderlist.Input{Name: "Gemeinsam", Shared: true, Items: []orderlist.ItemInput{f.item("T-NB", 1)}})
		ordertest.WantCode(t, err, "")
		const n = 8
		var wg sync.WaitGroup
		codes := make([]apperr.Code, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := owner
				if i%2 == 1 {
					who = colleague
				}
				_, err := f.Lists.Update(ctx, who, l.ID, 1, orderlist.Change{Quantities: map[int64]int64{f.Products["T-NB"].ID: int64(i + 1)}})
				codes[i] = apperr.CodeOf(err)
				if err == nil {
					codes[i] = "ok"
				}
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, c := range codes {
			switch c {
			case "ok":
				ok++
			case apperr.Conflict:
				conflicts++
			default:
				t.Errorf("unexpected outcome %s", c)
			}
		}
		if ok != 1 || conflicts != n-1 {
			t.Errorf("%d edits won, %d conflicts", ok, conflicts)
		}
	})
}
