package money

import (
	"errors"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		in   Cents
		want string
	}{
		{0, "0,00 €"},
		{5, "0,05 €"},
		{-5, "-0,05 €"},
		{100, "1,00 €"},
		{123456, "1.234,56 €"},
		{100000000, "1.000.000,00 €"},
		{-3000000, "-30.000,00 €"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Cents
		wantErr bool
	}{
		{"1.234,56", 123456, false},
		{"1234,5", 123450, false},
		{"12", 1200, false},
		{"12,00 €", 1200, false},
		{" -3,10 ", -310, false},
		{"0,99", 99, false},
		{"1.000.000", 100000000, false},
		{"", 0, true},
		{"abc", 0, true},
		{"1,234", 0, true},
		{"1.23", 0, true},
		{"12,", 0, true},
		{"1,2,3", 0, true},
		{"1e5", 0, true},
		{".123", 0, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%q) err = %v, want ErrInvalid", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.234,56", "12", "-0,5", "1.000.000,00 €"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(FormatNumber(c))
		if err != nil || back != c {
			t.Fatalf("round trip %q -> %d -> %q -> %d, %v", s, c, FormatNumber(c), back, err)
		}
	})
}

func TestRoundingHalfAwayFromZero(t *testing.T) {
	tests := []struct {
		name       string
		qty        int64
		unit       Cents
		discountBP int64
		rate       int64
		wantNet    Cents
		wantVAT    Cents
	}{
		// 3 × 0,33 € = 0,99 €; 19 % = 0,1881 → 0,19 €
		{"small line", 3, 33, 0, 19, 99, 19},
		// 1 × 0,50 €, 7 % = 0,035 → 0,04 € (half away from zero)
		{"half cent up", 1, 50, 0, 7, 50, 4},
		// 1 × 10,05 € less 15 % = 8,5425 → 8,54 €; 19 % of 8,54 = 1,6226 → 1,62 €
		{"discount", 1, 1005, 1500, 19, 854, 162},
		// 1 × 0,10 € less 25 % = 0,075 → 0,08 €
		{"discount half up", 1, 10, 2500, 0, 8, 0},
		// credit: -1 × 0,50 € at 7 % = -0,035 → -0,04 €
		{"negative half away", -1, 50, 0, 7, -50, -4},
		// 120 notebooks at 849,00 € = 101.880,00 €, 19 % = 19.357,20 €
		{"notebooks", 120, 84900, 0, 19, 10188000, 1935720},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := LineNet(tt.qty, tt.unit, tt.discountBP)
			if net != tt.wantNet {
				t.Fatalf("net = %d, want %d", net, tt.wantNet)
			}
			if vat := VAT(net, tt.rate); vat != tt.wantVAT {
				t.Fatalf("vat = %d, want %d", vat, tt.wantVAT)
			}
		})
	}
}

func TestSumPerRate(t *testing.T) {
	// Two lines at 19 % of 0,05 € each: per line 0,0095 → 0,01 twice would
	// give 0,02; per rate on 0,10 € gives 0,019 → 0,02 as well. Three lines
	// show the difference: 3 × 0,05 = 0,15 → 0,0285 → 0,03 (per line: 0,03).
	// 0,02 € lines: per line 0,0038 → 0,00; per rate 0,06 → 0,0114 → 0,01.
	got := Sum([]Line{{2, 19}, {2, 19}, {2, 19}, {1000, 7}})
	want := Totals{NetCents: 1006, VATCents: 71, GrossCents: 1077, Rates: []RateSum{{7, 1000, 70}, {19, 6, 1}}}
	if got.NetCents != want.NetCents || got.VATCents != want.VATCents || got.GrossCents != want.GrossCents || len(got.Rates) != 2 || got.Rates[0] != want.Rates[0] || got.Rates[1] != want.Rates[1] {
		t.Fatalf("Sum = %+v, want %+v", got, want)
	}
}
