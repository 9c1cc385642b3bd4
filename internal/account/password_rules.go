package account

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"coopshop/internal/apperr"
)

// MinPasswordLength is the shortest password a user may choose: long
// passphrases beat composition rules (NIST SP 800-63B).
const MinPasswordLength = 12

//go:embed weak_passwords.txt
var weakList string

// weakPasswords are well-known passwords and their obvious German
// variants, refused whatever their length.
var weakPasswords = func() map[string]bool {
	out := map[string]bool{}
	for _, l := range strings.Split(weakList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out[strings.ToLower(l)] = true
		}
	}
	return out
}()

// CheckPasswordRules tells whether password may be chosen by the user
// with email: at least MinPasswordLength characters, not the e-mail
// address or its local part, not a known-bad password, not one repeated
// character. The error names the field "password" in German.
func CheckPasswordRules(password, email string) error {
	bad := func(msg string) error {
		return apperr.Fields(msg, apperr.FieldError{Field: "password", Message: msg})
	}
	p := strings.ToLower(strings.TrimSpace(password))
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return bad("Das Passwort muss mindestens 12 Zeichen lang sein.")
	}
	mail := NormalizeEmail(email)
	local, _, _ := strings.Cut(mail, "@")
	if p == mail || (len(local) >= 4 && strings.Contains(p, local)) {
		return bad("Das Passwort darf die E-Mail-Adresse nicht enthalten.")
	}
	if weakPasswords[p] || strings.Count(p, p[:1]) == len(p) {
		return bad("Dieses Passwort ist zu bekannt und leicht zu erraten. Bitte wählen Sie ein anderes.")
	}
	return nil
}
