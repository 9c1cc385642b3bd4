package db

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// The few statements every request or job sends (who asks, the job claim,
// the catalog page, the cart's prices) go to PostgreSQL with placeholders
// and their values apart, as statements prepared once per connection and
// planned once (plan_cache_mode, see OpenPostgres). Written as bun writes
// its own SQL, with the values in the text, they cost as much planning as
// executing (issue 15). Placeholders are PostgreSQL's $1, $2, …; on
// SQLite they are sent as ?1, ?2, …, which mean the same there.
//
// The helpers, by what they are given:
//   - SQL text with $n and its values: Prepared (rows), PreparedExec,
//     ScanPreparedSQL (rows scanned into dest);
//   - SQL with bun's ? whose values are Params placeholders: PreparedRaw
//     (rows), ScanPreparedRaw (scanned into dest);
//   - a bun query written with $n or Params: PreparedRows (rows),
//     ScanPrepared (into the query's model), ScanPreparedInto (into dest),
//     ExecPrepared (an UPDATE, INSERT or DELETE).

// Prepared runs query with args and returns its rows.
func Prepared(ctx context.Context, idb bun.IDB, query string, args ...any) (*sql.Rows, error) {
	q, err := conn(idb)
	if err != nil {
		return nil, err
	}
	query, args = forDialect(idb, query, args)
	noteStatement(idb, query)
	return q.QueryContext(ctx, query, args...)
}

// PreparedExec runs a statement with args that returns no rows.
func PreparedExec(ctx context.Context, idb bun.IDB, query string, args ...any) (sql.Result, error) {
	q, err := conn(idb)
	if err != nil {
		return nil, err
	}
	query, args = forDialect(idb, query, args)
	noteStatement(idb, query)
	return q.ExecContext(ctx, query, args...)
}

// Params numbers the values of a statement built with bun and sent as a
// prepared one: Arg writes the next placeholder into the SQL and keeps the
// value. On a nil *Params, Arg returns the value itself, for bun to write
// into the SQL as usual, so that one query builder serves both.
type Params struct{ values []any }

// Arg is the placeholder for v (the value itself on nil Params).
func (p *Params) Arg(v any) any {
	if p == nil {
		return v
	}
	p.values = append(p.values, v)
	return bun.Safe("$" + strconv.Itoa(len(p.values)))
}

// Values are the values in placeholder order.
func (p *Params) Values() []any {
	if p == nil {
		return nil
	}
	return p.values
}

// OneOf is the condition that column holds one of ids, and its argument:
// on PostgreSQL a placeholder of params for an array, so that one
// prepared statement serves any number of ids; on SQLite an IN list that
// bun writes into the SQL.
func OneOf(idb bun.IDB, params *Params, column string, ids []int64) (string, any) {
	if IsPostgres(idb) {
		return column + " = ANY(?)", params.Arg(ids)
	}
	return column + " IN (?)", bun.List(ids)
}

// ParamsFor is new Params on PostgreSQL and nil on SQLite, for statements
// that are prepared only where it pays: on SQLite bun writes the values
// into the SQL, in its own formats (times, say), as everywhere else there.
func ParamsFor(idb bun.IDB) *Params {
	if IsPostgres(idb) {
		return new(Params)
	}
	return nil
}

// ExecPrepared runs q, built with params' placeholders, as a prepared
// statement; with nil params it is q.Exec.
func ExecPrepared(ctx context.Context, idb bun.IDB, q ExecQuery, params *Params) (sql.Result, error) {
	if params == nil {
		return q.Exec(ctx)
	}
	text, err := q.AppendQuery(bunDB(idb).QueryGen(), nil)
	if err != nil {
		return nil, fmt.Errorf("prepared statement: %w", err)
	}
	return PreparedExec(ctx, idb, string(text), params.Values()...)
}

// ExecQuery is a bun statement that returns no rows (an UpdateQuery, an
// InsertQuery, a DeleteQuery).
type ExecQuery interface {
	schema.QueryAppender
	Exec(ctx context.Context, dest ...any) (sql.Result, error)
}

// PreparedRows runs the bun query q, whose values are placeholders, with
// args.
func PreparedRows(ctx context.Context, idb bun.IDB, q *bun.SelectQuery, args ...any) (*sql.Rows, error) {
	text, err := q.AppendQuery(q.DB().QueryGen(), nil)
	if err != nil {
		return nil, fmt.Errorf("prepared query: %w", err)
	}
	return Prepared(ctx, idb, string(text), args...)
}

// PreparedRaw runs query, written with bun's ? placeholders, as a
// prepared statement: params' placeholders among args stay placeholders
// and their values are sent apart; other args are written into the SQL
// (they must then be few, or the statement cache churns).
func PreparedRaw(ctx context.Context, idb bun.IDB, params *Params, query string, args ...any) (*sql.Rows, error) {
	text := bunDB(idb).QueryGen().FormatQuery(query, args...)
	return Prepared(ctx, idb, text, params.Values()...)
}

// ScanPreparedRaw is PreparedRaw with its rows scanned into dest as
// ScanPreparedSQL does.
func ScanPreparedRaw(ctx context.Context, idb bun.IDB, dest any, params *Params, query string, args ...any) error {
	rows, err := PreparedRaw(ctx, idb, params, query, args...)
	if err != nil {
		return err
	}
	return bunDB(idb).ScanRows(ctx, rows, dest)
}

// ScanPreparedSQL runs query with args and scans all its rows into dest as
// bun's Scan would (a slice of structs, a struct or scalars; no row leaves
// a struct as it was).
func ScanPreparedSQL(ctx context.Context, idb bun.IDB, dest any, query string, args ...any) error {
	rows, err := Prepared(ctx, idb, query, args...)
	if err != nil {
		return err
	}
	return bunDB(idb).ScanRows(ctx, rows, dest)
}

// ScanPreparedInto runs the bun query q, whose values are placeholders,
// with args and scans its rows into dest, as q.Scan(ctx, dest) would for
// a slice.
func ScanPreparedInto(ctx context.Context, idb bun.IDB, q *bun.SelectQuery, dest any, args ...any) error {
	rows, err := PreparedRows(ctx, idb, q, args...)
	if err != nil {
		return err
	}
	return bunDB(idb).ScanRows(ctx, rows, dest)
}

// ScanPrepared runs the bun query q, whose values are placeholders written
// with bun.Safe("$1") and so on, with args, and scans its rows into q's
// model as q.Scan would, relations included. It answers sql.ErrNoRows
// when a query for one row finds none, as q.Scan does.
func ScanPrepared(ctx context.Context, idb bun.IDB, q *bun.SelectQuery, args ...any) error {
	rows, err := PreparedRows(ctx, idb, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	model := q.GetModel()
	n, err := model.ScanRows(ctx, rows)
	if err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 && reflect.Indirect(reflect.ValueOf(model.Value())).Kind() != reflect.Slice {
		return sql.ErrNoRows
	}
	return nil
}

// bunDB is the database under idb (a transaction's, a connection's): its
// query generator and scanner are the ones bun's own queries use.
func bunDB(idb bun.IDB) *bun.DB { return idb.NewRaw("").DB() }

// querier is what database/sql's DB, Tx and Conn have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// conn is the database/sql handle under idb: statements sent through it
// keep to idb's transaction.
func conn(idb bun.IDB) (querier, error) {
	switch x := idb.(type) {
	case *bun.DB:
		return x.DB, nil
	case bun.Tx:
		return x.Tx, nil
	case *bun.Tx:
		return x.Tx, nil
	case bun.Conn:
		return x.Conn, nil
	case *bun.Conn:
		return x.Conn, nil
	}
	return nil, fmt.Errorf("prepared statement on %T", idb)
}

// forDialect asks pgx to prepare and cache the statement on PostgreSQL,
// and writes SQLite's numbered placeholders there. (Not remembered per
// text: some texts carry values, such as an IN list on SQLite, and a map
// of them would only grow.)
func forDialect(idb bun.IDB, query string, args []any) (string, []any) {
	if IsPostgres(idb) {
		return query, append([]any{pgx.QueryExecModeCacheStatement}, args...)
	}
	return numbered(query), args
}

// numbered turns $n outside quotes into ?n.
func numbered(query string) string {
	var b strings.Builder
	b.Grow(len(query))
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			c = '?'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// counters are the statement counters installed per database (by its
// dialect, which a transaction shares with its database): statements sent
// past bun are counted too.
var counters sync.Map // schema.Dialect → *StatementCounter

func noteStatement(idb bun.IDB, query string) {
	if c, ok := counters.Load(schema.Dialect(idb.Dialect())); ok {
		c.(*StatementCounter).note(query)
	}
}
