package invoice_test

import "strings"

func contains(s string, wants ...string) bool {
	for _, w := range wants {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func join(ss []string) string { return strings.Join(ss, " ") }
