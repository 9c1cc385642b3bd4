package account

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// bcryptCost is bcrypt's default: about 50 ms a check here, which is what
// makes a stolen hash expensive to guess.
const bcryptCost = bcrypt.DefaultCost

// dummyHash is compared against when the user does not exist, so that an
// unknown e-mail takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("coopshop-no-such-user"), bcryptCost)

// HashPassword hashes a new password. Short passwords are refused.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < 10 {
		return "", fmt.Errorf("password: at least 10 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// HashWeak hashes with bcrypt's minimum cost. Only for the demo password,
// which is printed in the README anyway: a strong hash would protect
// nothing and slow every demo login and test down.
func HashWeak(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// checkPassword reports whether password matches hash.
func checkPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
