package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"coopshop/internal/apperr"
)

// jsonWalk reads a JSON document token by token, checking every string
// (keys and values) against the text rules of its field and remembering
// the path of every key, so that errors can name a field the way a client
// wrote it: lines[2].serials[0].
type jsonWalk struct {
	dec   *json.Decoder
	body  []byte
	errs  []apperr.FieldError
	paths [][]string // every object key, as path segments ("lines", "[2]", "serials")
}

// checkJSONText walks body, which must be valid JSON. It answers the text
// errors and the key paths.
func checkJSONText(body []byte) ([]apperr.FieldError, [][]string, error) {
	w := &jsonWalk{dec: json.NewDecoder(bytes.NewReader(body)), body: body}
	w.dec.UseNumber()
	if err := w.value(nil, ""); err != nil {
		return nil, nil, err
	}
	return w.errs, w.paths, nil
}

func (w *jsonWalk) value(path []string, name string) error {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for w.dec.More() {
				kstart := w.dec.InputOffset()
				ktok, err := w.dec.Token()
				if err != nil {
					return err
				}
				key, _ := ktok.(string)
				p := append(path[:len(path):len(path)], key)
				if !utf8.Valid(w.body[kstart:w.dec.InputOffset()]) || hasControl(key) {
					w.errs = append(w.errs, apperr.FieldError{Field: fieldPath(p), Message: "Der Feldname enthält unerlaubte Zeichen."})
				}
				w.paths = append(w.paths, p)
				if err := w.value(p, key); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; w.dec.More(); i++ {
				if err := w.value(append(path[:len(path):len(path)], fmt.Sprintf("[%d]", i)), name+"[]"); err != nil {
					return err
				}
			}
		}
		if _, err := w.dec.Token(); err != nil { // the closing delimiter
			return err
		}
	case string:
		field := fieldPath(path)
		if !utf8.Valid(w.body[start:w.dec.InputOffset()]) {
			w.errs = append(w.errs, apperr.FieldError{Field: field, Message: "Der Text ist kein gültiges UTF-8."})
			return nil
		}
		w.errs = checkText(w.errs, field, name, t)
	}
	return nil
}

// fieldPath joins path segments the way clients write them: a.b[2].c.
func fieldPath(segs []string) string {
	var b strings.Builder
	for i, s := range segs {
		if i > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// dottedPath is a path as encoding/json names a field in its errors:
// struct fields joined by dots, without array indices.
func dottedPath(segs []string) string {
	var keep []string
	for _, s := range segs {
		if !strings.HasPrefix(s, "[") {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, ".")
}

// pathOfDotted finds the first key path that encoding/json's dotted field
// name stands for, with its indices; the dotted name itself when none.
func pathOfDotted(paths [][]string, dotted string) string {
	for _, p := range paths {
		if strings.EqualFold(dottedPath(p), dotted) {
			return fieldPath(p)
		}
	}
	return dotted
}

// pathOfUnknown finds the key path of the field encoding/json calls
// unknown: the first key named so whose parent in dst's type has no such
// field. encoding/json names only the key.
func pathOfUnknown(paths [][]string, dst any, key string) string {
	for _, p := range paths {
		if p[len(p)-1] == key && !knownField(reflect.TypeOf(dst), p) {
			return fieldPath(p)
		}
	}
	return key
}

// knownField reports whether the key path p leads to a field of t (the
// way encoding/json matches keys: by tag or name, case-insensitively,
// through embedded structs, pointers, slices and maps).
func knownField(t reflect.Type, p []string) bool {
	for _, seg := range p {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			if !strings.HasPrefix(seg, "[") {
				return false
			}
			t = t.Elem()
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			f, ok := jsonField(t, seg)
			if !ok {
				return false
			}
			t = f
		default:
			return true // an Unmarshaler or interface takes what it gets
		}
	}
	return true
}

// jsonField finds the type of the field of struct t that key names.
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if ft, ok := jsonField(et, key); ok {
					return ft, true
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		name := tag
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f.Type, true
		}
	}
	return nil, false
}
