// Package idempotency makes a creation safe to repeat (API.md conventions):
// a client that sends an Idempotency-Key gets the result of the first
// request with that key again when it repeats the same body, and a 422
// naming Idempotency-Key, with nothing changed, when it sends a different
// body under the key. Orders use it today; invoices, credit notes, payments
// and billing runs will use it the same way:
//
//  1. the web layer reads the key and hashes the canonical body
//     (FromJSON, FromForm) into a Request;
//  2. the domain service scopes it to the acting user and its endpoint
//     (Request.For), asks Prior before it changes anything, and replays
//     the result it names;
//  3. in the creating transaction it calls Remember, so that a key is
//     stored exactly when its creation committed. A twin request that
//     committed first makes Remember fail with a unique violation; the
//     caller then asks Prior again.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
)

// Header is the HTTP header that carries the key.
const Header = "Idempotency-Key"

// MaxKeyLen bounds a key (in bytes).
const MaxKeyLen = 200

// Request is what a client sent under an Idempotency-Key: the key and the
// SHA-256 of its canonical body. The zero Request (no key) asks for
// nothing.
type Request struct {
	Key  string
	Hash string
}

// Empty reports a request without a key.
func (r Request) Empty() bool { return r.Key == "" }

// Scoped is a Request bound to who sent it and to which creation: keys of
// different users and endpoints never meet.
type Scoped struct {
	UserID   int64
	Endpoint string // a stable name of the creation, e.g. "order.submit"
	Request
}

// For scopes r to a user and an endpoint.
func (r Request) For(userID int64, endpoint string) Scoped {
	return Scoped{UserID: userID, Endpoint: endpoint, Request: r}
}

// invalidKey is the 422 for a key that cannot be one.
func invalidKey(msg string) error {
	return apperr.Fields("Der Idempotency-Key ist ungültig.", apperr.FieldError{Field: Header, Message: msg})
}

// newRequest checks the key: printable ASCII without spaces inside, at
// most MaxKeyLen bytes.
func newRequest(key, hash string) (Request, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return Request{}, nil
	}
	if len(key) > MaxKeyLen {
		return Request{}, invalidKey(fmt.Sprintf("Höchstens %d Zeichen.", MaxKeyLen))
	}
	for _, r := range key {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return Request{}, invalidKey("Nur sichtbare ASCII-Zeichen ohne Leerzeichen.")
		}
	}
	return Request{Key: key, Hash: hash}, nil
}

// FromJSON builds the request of a JSON body under key (the header's
// value; empty: no idempotency). The hash is taken over the canonical
// form of the body – object keys sorted, no insignificant white space –
// so that a client that re-encodes the same body is not refused.
func FromJSON(key string, body []byte) (Request, error) {
	if strings.TrimSpace(key) == "" {
		return Request{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Request{}, apperr.New(apperr.Invalid, "Der Anfragekörper ist kein gültiges JSON.")
	}
	canon, err := json.Marshal(v) // maps marshal with sorted keys
	if err != nil {
		return Request{}, fmt.Errorf("idempotency: canonical body: %w", err)
	}
	return newRequest(key, hashOf(canon))
}

// FromForm builds the request of a form under key: the hash is taken over
// the fields sorted by name, each with its values in order, leaving out
// the fields named in skip (the CSRF token, the key itself).
func FromForm(key string, form map[string][]string, skip ...string) (Request, error) {
	if strings.TrimSpace(key) == "" {
		return Request{}, nil
	}
	names := make([]string, 0, len(form))
	for name := range form {
		if !slices.Contains(skip, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	pairs := make([][2]any, len(names))
	for i, name := range names {
		pairs[i] = [2]any{name, form[name]}
	}
	canon, err := json.Marshal(pairs)
	if err != nil {
		return Request{}, fmt.Errorf("idempotency: canonical form: %w", err)
	}
	return newRequest(key, hashOf(canon))
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// record is a row of idempotency_keys (migration 0014). An empty
// request_hash marks a key stored before hashes were (orders of earlier
// versions): it replays whatever the body.
type record struct {
	bun.BaseModel `bun:"table:idempotency_keys"`

	UserID      int64     `bun:"user_id,pk"`
	Endpoint    string    `bun:"endpoint,pk"`
	Key         string    `bun:"idem_key,pk"`
	RequestHash string    `bun:"request_hash"`
	ResultID    int64     `bun:"result_id"`
	CreatedAt   time.Time `bun:"created_at"`
}

// Prior returns the id of the result of an earlier request with the same
// user, endpoint and key, 0 when there was none. The same key with a
// different body is a 422 naming Idempotency-Key.
func Prior(ctx context.Context, idb bun.IDB, s Scoped) (int64, error) {
	if s.Empty() {
		return 0, nil
	}
	var rec record
	err := idb.NewSelect().Model(&rec).
		Where("user_id = ? AND endpoint = ? AND idem_key = ?", s.UserID, s.Endpoint, s.Key).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("idempotency key: %w", err)
	}
	if rec.RequestHash != "" && rec.RequestHash != s.Hash {
		return 0, apperr.Fields("Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet.",
			apperr.FieldError{Field: Header, Message: "Derselbe Schlüssel mit einem anderen Inhalt: Bitte für jede neue Anfrage einen neuen Schlüssel verwenden."})
	}
	return rec.ResultID, nil
}

// Remember stores the result of s in the caller's transaction.
func Remember(ctx context.Context, idb bun.IDB, s Scoped, resultID int64, at time.Time) error {
	if s.Empty() {
		return nil
	}
	rec := &record{UserID: s.UserID, Endpoint: s.Endpoint, Key: s.Key, RequestHash: s.Hash, ResultID: resultID, CreatedAt: at.UTC()}
	if _, err := idb.NewInsert().Model(rec).Exec(ctx); err != nil {
		return fmt.Errorf("remember idempotency key: %w", err)
	}
	return nil
}
