package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/demo"
	"coopshop/migrations"
)

// fixture is what the seed gives the run.
type fixture struct {
	purchasers, approvers []string
	// products are what the orders pick their three lines from: the
	// three of --skus in every order, or three of the load's own
	// contract at random.
	products []int64
	fixed    bool
	// submitters are the purchasers of the submit phase, one per client
	// (none with --skus), and lines the load contract's line and price
	// of each product, with which the phase fills their carts.
	submitters []string
	lines      map[int64]cartLine
}

// cartLine is what a cart line of a product holds: its contract line and
// price.
type cartLine struct{ line, price int64 }

// quotaNoLimit is the quota of every ordered contract line: large enough
// for any run, so that it is reserved and checked on each submit (the
// work pgbench's quota update stands for) and never runs out.
const quotaNoLimit = 1_000_000_000

// seed migrates, creates the demo data unless it exists, one purchaser
// and one approver of Landkreis Börde per client and the products the
// orders are made of.
func seed(ctx context.Context, o options) (fixture, error) {
	var fx fixture
	bdb, err := db.Open(ctx, o.dbURL)
	if err != nil {
		return fx, err
	}
	defer bdb.Close()
	m, err := db.NewMigrator(bdb, migrations.FS)
	if err != nil {
		return fx, err
	}
	if _, err := m.Up(ctx); err != nil {
		return fx, err
	}
	today := clock.Today(clock.System())
	if _, err := demo.SeedOn(ctx, bdb, today); err != nil {
		return fx, err
	}
	org, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
	if err != nil {
		return fx, err
	}
	err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := seedUsers(ctx, tx, org.ID, o.concurrency, &fx); err != nil {
			return err
		}
		if o.skus != nil {
			fx.fixed = true
			return seedFixed(ctx, tx, o.skus, &fx)
		}
		if err := seedContract(ctx, tx, o.products, today, &fx); err != nil {
			return err
		}
		return seedSubmitters(ctx, tx, org.ID, o.concurrency, o.products, &fx)
	})
	if err != nil {
		return fx, err
	}
	// A database loaded a moment ago has no statistics until autovacuum's
	// next round, and PostgreSQL guesses its plans meanwhile (the job claim
	// took a bitmap scan through every dead entry of the queue's index); a
	// shop in use has them. The dead rows of earlier runs go too, as
	// autovacuum would take them (a server without it, as the CI
	// machines' with autovacuum = off, keeps every run's: each run was
	// slower than the one before).
	if _, err := bdb.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return fx, fmt.Errorf("vacuum: %w", err)
	}
	return fx, nil
}

// seedUsers creates a purchaser and an approver (who may approve up to
// 100.000 €) of member org per client, unless they exist.
func seedUsers(ctx context.Context, tx bun.Tx, org int64, clients int, fx *fixture) error {
	limit := int64(100000_00)
	for i := 1; i <= clients; i++ {
		for _, u := range []struct {
			email, role string
			limit       *int64
			list        *[]string
		}{
			{fmt.Sprintf("load-einkauf-%d@boerde.example", i), authz.RolePurchaser, nil, &fx.purchasers},
			{fmt.Sprintf("load-genehmigung-%d@boerde.example", i), authz.RoleApprover, &limit, &fx.approvers},
		} {
			*u.list = append(*u.list, u.email)
			if _, err := ensureUser(ctx, tx, org, u.email, u.role, u.limit); err != nil {
				return err
			}
		}
	}
	return nil
}

// ensureUser makes a user of org with role unless one with email exists,
// and answers its id.
func ensureUser(ctx context.Context, tx bun.Tx, org int64, email, role string, limit *int64) (int64, error) {
	u, err := account.UserByEmail(ctx, tx, email)
	if err == nil {
		return u.ID, nil
	}
	if apperr.CodeOf(err) != apperr.NotFound {
		return 0, err
	}
	nu := &account.User{OrgID: org, Email: email, Name: "Last " + email, ApprovalLimitCents: limit}
	if err := account.CreateUserWithHash(ctx, tx, nu, demo.PasswordHash()); err != nil {
		return 0, err
	}
	if err := authz.Grant(ctx, tx, nu.ID, org, role); err != nil {
		return 0, err
	}
	return nu.ID, nil
}

// seedSubmitters makes a purchaser of member org per client for the
// submit phase (load-warenkorb-N@boerde.example) with an empty cart, and
// reads the line and price of each product of the load's contract of n
// products.
func seedSubmitters(ctx context.Context, tx bun.Tx, org int64, clients, n int, fx *fixture) error {
	for i := 1; i <= clients; i++ {
		email := fmt.Sprintf("load-warenkorb-%d@boerde.example", i)
		id, err := ensureUser(ctx, tx, org, email, authz.RolePurchaser, nil)
		if err != nil {
			return err
		}
		fx.submitters = append(fx.submitters, email)
		if _, err := tx.ExecContext(ctx, `INSERT INTO carts (user_id, organisation_id, version, updated_at) VALUES (?, ?, 1, now())
			ON CONFLICT (user_id) DO NOTHING`, id, org); err != nil {
			return fmt.Errorf("cart of %s: %w", email, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cart_items WHERE cart_id IN (SELECT id FROM carts WHERE user_id = ?)`, id); err != nil {
			return fmt.Errorf("cart of %s: %w", email, err)
		}
	}
	var rows []struct {
		ProductID, ID, PriceCents int64
	}
	if err := tx.NewSelect().Table("contract_lines").Column("contract_lines.product_id", "contract_lines.id", "contract_lines.price_cents").
		Join("JOIN contracts ON contracts.id = contract_lines.contract_id").
		Where("contracts.number = ?", fmt.Sprintf("LAST-%d", n)).Scan(ctx, &rows); err != nil {
		return fmt.Errorf("lines of the load contract: %w", err)
	}
	fx.lines = make(map[int64]cartLine, len(rows))
	for _, r := range rows {
		fx.lines[r.ProductID] = cartLine{line: r.ID, price: r.PriceCents}
	}
	return nil
}

// fillCart puts one of each product into the empty cart of the purchaser
// with email, at the line and price the cart would give it: one statement
// sent by the load, not a request, so that the submit phase measures the
// submit alone.
func fillCart(ctx context.Context, bdb *bun.DB, email string, products []int64, lines map[int64]cartLine) error {
	values := make([]string, 0, len(products))
	args := []any{account.NormalizeEmail(email)}
	for _, p := range products {
		l, ok := lines[p]
		if !ok {
			return fmt.Errorf("product %d is not on the load's contract", p)
		}
		n := len(args)
		values = append(values, fmt.Sprintf("($%d::bigint, $%d::bigint, $%d::bigint)", n+1, n+2, n+3))
		args = append(args, p, l.line, l.price)
	}
	// Prepared, as the server's statements are: the fill is the load's own
	// work, and planning it afresh each time took PostgreSQL's time from
	// the submissions it measures.
	_, err := db.PreparedExec(ctx, bdb, `INSERT INTO cart_items (cart_id, product_id, quantity, price_cents, price_source, contract_line_id, added_at)
		SELECT ca.id, v.product_id, 1, v.price, 'contract', v.line, now()
		FROM carts AS ca JOIN users AS u ON u.id = ca.user_id AND u.email = $1
		CROSS JOIN (VALUES `+strings.Join(values, ", ")+`) AS v (product_id, line, price)`, args...)
	return err
}

// seedFixed looks up the products of skus and raises their contract
// quotas so that a long run does not exhaust them: every order then
// waits for the same three quota rows.
func seedFixed(ctx context.Context, tx bun.Tx, skus []string, fx *fixture) error {
	for _, sku := range skus {
		var id int64
		if err := tx.NewSelect().Table("products").Column("id").Where("sku = ?", sku).Scan(ctx, &id); err != nil {
			return fmt.Errorf("product %s: %w", sku, err)
		}
		fx.products = append(fx.products, id)
	}
	_, err := tx.NewUpdate().Table("contract_lines").
		Set("quota_total = CASE WHEN quota_total IS NULL THEN NULL ELSE ? END", quotaNoLimit).
		Set("quota_per_member = CASE WHEN quota_per_member IS NULL THEN NULL ELSE ? END", quotaNoLimit).
		Where("product_id IN (?)", bun.List(fx.products)).Exec(ctx)
	return err
}

// seedContract makes the load's own framework contract, open to every
// member, with n hardware products (LAST-0001 …), each line with a
// total quota and a quota per member, unless it exists. Its prices keep
// three lines under Landkreis Börde's second approval stage, so that an
// order takes one approval.
func seedContract(ctx context.Context, tx bun.Tx, n int, today calendar.Date, fx *fixture) error {
	number := fmt.Sprintf("LAST-%d", n)
	var ids []int64
	err := tx.NewSelect().Table("contract_lines").Column("contract_lines.product_id").
		Join("JOIN contracts ON contracts.id = contract_lines.contract_id").
		Where("contracts.number = ?", number).Order("contract_lines.product_id").Scan(ctx, &ids)
	if err != nil {
		return fmt.Errorf("load contract: %w", err)
	}
	if len(ids) > 0 { // made by an earlier run, in one transaction
		fx.products = ids
		return nil
	}
	var category int64
	if err := tx.NewSelect().Table("categories").Column("id").Where("slug = ?", "monitore-zubehoer").Scan(ctx, &category); err != nil {
		return fmt.Errorf("category of the load's products: %w", err)
	}
	year := today.Time().Year()
	c := &catalog.Contract{Number: number, Title: "Lasttest", Supplier: "Lasttest GmbH",
		ValidFrom: calendar.New(year, time.January, 1), ValidTo: calendar.New(year+1, time.December, 31), AllMembers: true, Active: true}
	quota := int64(quotaNoLimit)
	for i := 1; i <= n; i++ {
		p := &catalog.Product{SKU: fmt.Sprintf("LAST-%d-%04d", n, i), Name: fmt.Sprintf("Lastartikel %04d", i),
			Description: "Artikel des Lasttests.", CategoryID: &category, Kind: catalog.KindHardware, Unit: "Stück",
			ListPriceCents: 29900, VATPercent: 19, Active: true}
		if err := catalog.CreateProduct(ctx, tx, p); err != nil {
			return err
		}
		c.Lines = append(c.Lines, &catalog.ContractLine{ProductID: p.ID, PriceCents: 10000 + int64(i%100)*100, QuotaTotal: &quota, QuotaPerMember: &quota})
		fx.products = append(fx.products, p.ID)
	}
	return catalog.CreateContract(ctx, tx, c)
}
