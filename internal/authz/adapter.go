package authz

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"
)

// rule is a row of casbin_rule, the layout of the casbin SQL adapters.
type rule struct {
	bun.BaseModel `bun:"table:casbin_rule"`

	PType string `bun:"p_type"`
	V0    string `bun:"v0"`
	V1    string `bun:"v1"`
	V2    string `bun:"v2"`
	V3    string `bun:"v3"`
	V4    string `bun:"v4"`
	V5    string `bun:"v5"`
}

// adapter loads the policy through bun. It is read-only on purpose: policy
// changes are written by Grant/Revoke inside the caller's transaction, next
// to their audit entry, and the enforcer reloads after the commit.
type adapter struct {
	db bun.IDB
}

var errReadOnly = errors.New("authz: policy is changed through Grant and Revoke")

func (a adapter) LoadPolicy(m model.Model) error {
	var rows []rule
	if err := a.db.NewSelect().Model(&rows).Scan(context.Background()); err != nil {
		return fmt.Errorf("load policy: %w", err)
	}
	for _, r := range rows {
		line := []string{r.PType, r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
		for len(line) > 1 && line[len(line)-1] == "" {
			line = line[:len(line)-1]
		}
		if err := persist.LoadPolicyArray(line, m); err != nil {
			return fmt.Errorf("load policy line %s: %w", strings.Join(line, ", "), err)
		}
	}
	return nil
}

func (adapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (adapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (adapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (adapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }
