// Package money holds the few rules for amounts that every other package must
// apply the same way: integer cents, VAT per rate, rounding half away from
// zero, and German formatting ("1.234,56 €").
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount of euro cents. It is a plain int64 so that arithmetic
// stays exact and database columns are BIGINT on every dialect.
type Cents = int64

// ErrInvalid is returned by the parsers for input that is not an amount.
var ErrInvalid = errors.New("money: invalid amount")

// RoundDiv divides a by b and rounds half away from zero. It is the one
// rounding rule used for line totals, discounts and VAT sums.
func RoundDiv(a, b int64) int64 {
	if b == 0 {
		panic("money: division by zero")
	}
	if (a < 0) != (b < 0) {
		return -((abs(a) + abs(b)/2) / abs(b))
	}
	return (abs(a) + abs(b)/2) / abs(b)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// LineNet is quantity × unit price less a discount given in basis points
// (1 % = 100), rounded to the cent once, on the line.
func LineNet(quantity int64, unitCents Cents, discountBP int64) Cents {
	gross := quantity * unitCents
	if discountBP == 0 {
		return gross
	}
	return RoundDiv(gross*(10000-discountBP), 10000)
}

// VAT is the tax on a net amount at a rate in percent, rounded to the cent.
func VAT(net Cents, ratePercent int64) Cents {
	return RoundDiv(net*ratePercent, 100)
}

// Format renders cents the German way: "1.234,56 €", "-0,05 €".
func Format(c Cents) string {
	return FormatNumber(c) + " €"
}

// FormatNumber renders cents as "1.234,56" without the currency sign, for
// table cells and CSV exports.
func FormatNumber(c Cents) string {
	sign := ""
	if c < 0 {
		sign = "-"
		c = -c
	}
	euros := strconv.FormatInt(c/100, 10)
	var b strings.Builder
	for i, r := range euros {
		if i > 0 && (len(euros)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s,%02d", sign, b.String(), c%100)
}

// Parse reads an amount typed by a person or found in a German CSV file:
// "1.234,56", "1234,5", "12", "12,00 €", "-3,10". A dot is a thousands
// separator, a comma the decimal mark; more than two decimals are refused
// rather than rounded silently.
func Parse(s string) (Cents, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	s = strings.ReplaceAll(s, "\u00a0", "")
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrInvalid
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, hasComma := strings.Cut(s, ",")
	if strings.Contains(frac, ",") || (hasComma && (frac == "" || len(frac) > 2)) {
		return 0, ErrInvalid
	}
	if strings.Contains(intPart, ".") {
		groups := strings.Split(intPart, ".")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrInvalid
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrInvalid
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" || len(intPart) > 15 || !digits(intPart) || !digits(frac) {
		return 0, ErrInvalid
	}
	euros, _ := strconv.ParseInt(intPart, 10, 64)
	var cents int64
	if frac != "" {
		cents, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			cents *= 10
		}
	}
	v := euros*100 + cents
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
