package web

import (
	"strings"
	"testing"
)

func TestSafeRedirect(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"empty", "", "/"},
		{"plain path", "/orders/12", "/orders/12"},
		{"path and query", "/catalog?q=dock&kind=hardware", "/catalog?q=dock&kind=hardware"},
		{"non-ASCII query is escaped", "/catalog?q=Mäuse", "/catalog?q=M%C3%A4use"},
		{"non-ASCII path is escaped", "/catalog/Mäuse", "/catalog/M%C3%A4use"},
		{"fragment dropped", "/orders/1#history", "/orders/1"},
		{"CR LF header injection", "/\r\nSet-Cookie: x=1", "/"},
		{"LF alone", "/orders\nLocation: https://evil.example", "/"},
		{"tab before second slash", "/\t/evil.example", "/"},
		{"NUL", "/orders\x00", "/"},
		{"DEL", "/orders\x7f", "/"},
		{"protocol-relative", "//evil.example", "/"},
		{"protocol-relative with path", "//evil.example/login", "/"},
		{"backslash after slash", "/\\evil.example", "/"},
		{"backslash inside", "/a\\b", "/"},
		{"absolute URL", "https://evil.example/", "/"},
		{"javascript scheme", "javascript:alert(1)", "/"},
		{"relative without slash", "orders/1", "/"},
		{"encoded second slash", "/%2F/evil.example", "/"},
		{"encoded backslash", "/%5Cevil.example", "/"},
		{"encoded CR LF in path", "/%0D%0ASet-Cookie:%20x=1", "/"},
		{"encoded CR LF in query", "/orders?x=%0D%0ASet-Cookie", "/"},
		{"space", "/ /evil.example", "/"},
		{"user info", "/@evil.example", "/@evil.example"},
		{"login page loops", "/login", "/"},
		{"logout", "/logout", "/"},
		{"bad escape", "/orders%zz", "/"},
		{"too long", "/" + strings.Repeat("a", 3000), "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SafeRedirect(tt.raw, "/"); got != tt.want {
				t.Errorf("SafeRedirect(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}
