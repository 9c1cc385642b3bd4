package db

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// JSONRows is the SQL of a scalar subquery that reads the rows of
// model's table (its alias as the model declares it) matching where, in
// the order of orderBy, as one JSON array of objects keyed by column:
// a parent and its children in one statement instead of one per table
// (issue 15: an order was read with three). where may refer to the outer
// query's aliases. ScanJSONRows decodes the array.
func JSONRows(idb bun.IDB, model any, where, orderBy string) string {
	key := jsonRowsKey{idb.Dialect().Name(), reflect.TypeOf(model), where, orderBy}
	if sql, ok := jsonRowsSQL.Load(key); ok {
		return sql.(string)
	}
	sql := jsonRows(idb, key.model.Elem(), where, orderBy)
	jsonRowsSQL.Store(key, sql)
	return sql
}

// jsonRowsSQL remembers the SQL JSONRows wrote: it is asked on every
// order read, and the text never changes for a model and its conditions.
var jsonRowsSQL sync.Map // jsonRowsKey → string

// jsonRowsKey is what the SQL of JSONRows depends on.
type jsonRowsKey struct {
	dialect        dialect.Name
	model          reflect.Type
	where, orderBy string
}

// jsonRows writes the SQL of JSONRows for the struct type typ.
func jsonRows(idb bun.IDB, typ reflect.Type, where, orderBy string) string {
	t := idb.Dialect().Tables().Get(typ)
	var pairs strings.Builder
	for i, f := range t.Fields {
		if i > 0 {
			pairs.WriteString(", ")
		}
		fmt.Fprintf(&pairs, "'%s', %s.%s", f.Name, t.Alias, f.SQLName)
	}
	from := fmt.Sprintf("FROM %s AS %s WHERE %s", t.SQLName, t.Alias, where)
	if IsPostgres(idb) {
		return fmt.Sprintf("(SELECT COALESCE(json_agg(json_build_object(%s) ORDER BY %s), '[]') %s)", pairs.String(), orderBy, from)
	}
	return fmt.Sprintf("(SELECT json_group_array(json_object(%s) ORDER BY %s) %s)", pairs.String(), orderBy, from)
}

// ScanJSONRows decodes an array of JSONRows into dest, a pointer to a
// slice of the model's structs or pointers to them. Each value goes
// through bun's scanner for its field, as a column read by bun would, so
// that times, nullable columns and SQLite's integer booleans come out
// alike on both databases.
func ScanJSONRows(idb bun.IDB, data []byte, dest any) error {
	slice := reflect.ValueOf(dest).Elem()
	elem := slice.Type().Elem()
	ptr := elem.Kind() == reflect.Pointer
	if ptr {
		elem = elem.Elem()
	}
	t := idb.Dialect().Tables().Get(elem)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var rows []map[string]any
	if err := dec.Decode(&rows); err != nil {
		return fmt.Errorf("decode rows of %s: %w", t.Name, err)
	}
	out := reflect.MakeSlice(slice.Type(), 0, len(rows))
	for _, row := range rows {
		v := reflect.New(elem).Elem()
		for name, raw := range row {
			f, ok := t.FieldMap[name]
			if !ok {
				return fmt.Errorf("decode rows of %s: no field for column %q", t.Name, name)
			}
			if err := f.ScanValue(v, scalar(raw)); err != nil {
				return fmt.Errorf("decode %s.%s: %w", t.Name, name, err)
			}
		}
		if ptr {
			v = v.Addr()
		}
		out = reflect.Append(out, v)
	}
	slice.Set(out)
	return nil
}

// scalar is a decoded JSON value as a database driver would hand it to a
// scanner: whole numbers as int64, other numbers as their text.
func scalar(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	return n.String()
}
