package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

type preparedOrg struct {
	bun.BaseModel `bun:"table:organisations,alias:org"`
	ID            int64  `bun:"id,pk"`
	Name          string `bun:"name"`
}

type preparedUser struct {
	bun.BaseModel `bun:"table:users,alias:u"`
	ID            int64        `bun:"id,pk"`
	Email         string       `bun:"email"`
	OrgID         int64        `bun:"organisation_id"`
	Org           *preparedOrg `bun:"rel:belongs-to,join:organisation_id=id"`
	Flag          bool         `bun:"flag,scanonly"`
}

// A prepared statement must answer what bun's own query answers, relations
// included, see the transaction it is sent in, and be counted.
func TestPreparedAnswersAsBunDoes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		org := &preparedOrg{Name: "Samtgemeinde Prüfstand"}
		if _, err := bdb.NewInsert().Model(org).Column("name").Value("kind", "'member'").Value("created_at", "'2026-12-01T00:00:00Z'").Returning("id").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.ExecContext(ctx, "INSERT INTO users (organisation_id, email, name, password_hash, created_at) VALUES (?, 'a@pruef.example', 'A', 'x', '2026-12-01T00:00:00Z'), (?, 'b@pruef.example', 'B', 'x', '2026-12-01T00:00:00Z')", org.ID, org.ID); err != nil {
			t.Fatal(err)
		}
		c := db.CountStatements(bdb, true)
		byEmail := func(idb bun.IDB, dest *preparedUser) *bun.SelectQuery {
			return idb.NewSelect().Model(dest).Column("u.id", "u.email", "u.organisation_id").
				ColumnExpr("u.email LIKE $2 AS flag").Relation("Org").Where("u.email = ?", bun.Safe("$1"))
		}
		for _, tc := range []struct {
			email, like string
			flag        bool
		}{{"a@pruef.example", "a%", true}, {"b@pruef.example", "a%", false}} {
			var got, want preparedUser
			if err := db.ScanPrepared(ctx, bdb, byEmail(bdb, &got), tc.email, tc.like); err != nil {
				t.Fatal(err)
			}
			if err := bdb.NewSelect().Model(&want).Column("u.id", "u.email", "u.organisation_id").
				ColumnExpr("u.email LIKE ? AS flag", tc.like).Relation("Org").Where("u.email = ?", tc.email).Scan(ctx); err != nil {
				t.Fatal(err)
			}
			if got.ID != want.ID || got.Email != tc.email || got.Org == nil || got.Org.Name != "Samtgemeinde Prüfstand" || got.Flag != tc.flag {
				t.Errorf("prepared %+v (org %+v), bun %+v (org %+v)", got, got.Org, want, want.Org)
			}
		}
		c.Reset()
		var none preparedUser
		if err := db.ScanPrepared(ctx, bdb, byEmail(bdb, &none), "nobody@pruef.example", "%"); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("no row: %v, want sql.ErrNoRows", err)
		}
		if c.Count() != 1 {
			t.Errorf("counted %d statements, want 1: %q", c.Count(), c.Statements())
		}
		var all []preparedUser
		if err := db.ScanPrepared(ctx, bdb, bdb.NewSelect().Model(&all).Where("u.organisation_id = ?", bun.Safe("$1")).Where("u.email LIKE '%$1%' OR true").Order("u.id"), org.ID); err != nil || len(all) != 2 {
			t.Errorf("slice: %d rows, %v; want 2", len(all), err)
		}
		params := new(db.Params)
		rows, err := db.PreparedRaw(ctx, bdb, params, "SELECT email FROM users WHERE organisation_id = ? AND email LIKE ? ORDER BY 1",
			params.Arg(org.ID), "b%")
		if err != nil {
			t.Fatal(err)
		}
		var emails []string
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				t.Fatal(err)
			}
			emails = append(emails, e)
		}
		rows.Close()
		if len(emails) != 1 || emails[0] != "b@pruef.example" || len(params.Values()) != 1 {
			t.Errorf("PreparedRaw found %q with values %v, want [b@pruef.example] with one value", emails, params.Values())
		}
		err = db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
			if _, err := db.PreparedExec(ctx, tx, "UPDATE users SET name = $1 WHERE email = $2", "Neu", "a@pruef.example"); err != nil {
				return err
			}
			rows, err := db.Prepared(ctx, tx, "SELECT name FROM users WHERE email = $1", "a@pruef.example")
			if err != nil {
				return err
			}
			defer rows.Close()
			var name string
			for rows.Next() {
				if err := rows.Scan(&name); err != nil {
					return err
				}
			}
			if name != "Neu" {
				t.Errorf("inside the transaction the name is %q, want Neu", name)
			}
			return errors.New("roll back")
		})
		if err == nil {
			t.Fatal("transaction did not roll back")
		}
		var name string
		if err := bdb.NewRaw("SELECT name FROM users WHERE email = 'a@pruef.example'").Scan(ctx, &name); err != nil || name != "A" {
			t.Errorf("after rollback the name is %q (%v), want A", name, err)
		}
	})
}
