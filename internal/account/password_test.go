package account

import (
	"strings"
	"testing"
)

func TestHashPassword(t *testing.T) {
	tests := []struct {
		name, password string
		ok             bool
	}{
		{"ten characters", "abcdefghij", true},
		{"ten characters with umlauts (counted as characters, not bytes)", "äöüßäöüßäö", true},
		{"nine characters", "abcdefghi", false},
		{"nine umlauts, 18 bytes", "äöüßäöüßä", false},
		{"empty", "", false},
		{"long passphrase", strings.Repeat("Pferd ", 10), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPassword(tt.password)
			if !tt.ok {
				if err == nil {
					t.Fatal("short password accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(h, tt.password) || !checkPassword(h, tt.password) || checkPassword(h, tt.password+"x") {
				t.Fatalf("hash %q does not check out", h)
			}
			again, _ := HashPassword(tt.password)
			if again == h {
				t.Fatal("two hashes of one password are equal: no salt")
			}
		})
	}
	weak, err := HashWeak("coopshop-demo")
	if err != nil || !checkPassword(weak, "coopshop-demo") || checkPassword(weak, "coopshop-dem0") {
		t.Fatalf("weak hash %q, %v", weak, err)
	}
	if checkPassword(string(dummyHash), "") || checkPassword("kein-hash", "x") {
		t.Fatal("a malformed or dummy hash matched")
	}
}
