package web

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
)

// FormState is what a failed form keeps for the page it redirects to
// (redirect after POST): a reload of that page then shows the error and
// what was typed once, instead of sending the form again. It lives in the
// session (server side), one page at a time.
type FormState struct {
	Path    string              `json:"path"`              // the page that shows it
	Error   string              `json:"error,omitempty"`   // the error above the form
	Warning string              `json:"warning,omitempty"` // a warning after a success (not green)
	Fields  map[string]string   `json:"fields,omitempty"`  // field → message
	Changes []string            `json:"changes,omitempty"` // per-line messages of a conflict
	Values  map[string][]string `json:"values,omitempty"`  // what was typed
	Status  int                 `json:"status,omitempty"`  // the status the error had
}

// Value is the first typed value of a field, "" without one.
func (f *FormState) Value(name string) string {
	if f == nil || len(f.Values[name]) == 0 {
		return ""
	}
	return f.Values[name][0]
}

const localFormState = "form_state"

// FormFromError builds the state of a form that failed with err on page
// path: its German message, the field errors, the per-line messages of a
// conflict, and the status its code maps to.
func FormFromError(path string, err error) *FormState {
	fs := &FormState{Path: path, Error: apperr.MessageOf(err), Fields: map[string]string{}, Status: Status(apperr.CodeOf(err))}
	for _, fe := range apperr.FieldsOf(err) {
		if prev, ok := fs.Fields[fe.Field]; ok {
			fs.Fields[fe.Field] = prev + " " + fe.Message
		} else {
			fs.Fields[fe.Field] = fe.Message
		}
		if apperr.CodeOf(err) == apperr.Conflict {
			fs.Changes = append(fs.Changes, fe.Message)
		}
	}
	return fs
}

// KeepForm stores fs in the session for the page fs.Path; the handler then
// redirects there (303) instead of answering the POST with a page.
func (d *Deps) KeepForm(c *fiber.Ctx, fs *FormState) {
	sess := Session(c)
	if sess == nil || fs == nil {
		return
	}
	b, err := json.Marshal(fs)
	if err != nil {
		return
	}
	if err := d.Accounts.SetFormState(c.UserContext(), sess, string(b)); err != nil && d.Log != nil {
		d.Log.Warn("keep form state", "err", err)
	}
}

// TakeForm is the state a failed form kept for this page, nil without
// one; it is shown once (a state for another page is dropped). Within a
// request it answers the same, so that Render sees what the handler took.
func (d *Deps) TakeForm(c *fiber.Ctx) *FormState {
	if fs, ok := c.Locals(localFormState).(*FormState); ok {
		return fs
	}
	var fs *FormState
	if sess := Session(c); sess != nil && sess.FormState != "" {
		raw, err := d.Accounts.TakeFormState(c.UserContext(), sess)
		if err == nil && raw != "" {
			var got FormState
			if json.Unmarshal([]byte(raw), &got) == nil && got.Path == c.Path() {
				fs = &got
			}
		}
	}
	c.Locals(localFormState, fs)
	return fs
}
