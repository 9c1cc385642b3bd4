package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseAndFormat(t *testing.T) {
	tests := []struct {
		in, iso, german string
		bad             bool
	}{
		{"2026-11-22", "2026-11-22", "22.11.2026", false},
		{"22.11.2026", "2026-11-22", "22.11.2026", false},
		{"1.2.2027", "2027-02-01", "01.02.2027", false},
		{"31.02.2026", "", "", true},
		{"morgen", "", "", true},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in)
		if tt.bad != (err != nil) {
			t.Fatalf("Parse(%q) err = %v", tt.in, err)
		}
		if d.String() != tt.iso || d.German() != tt.german {
			t.Errorf("Parse(%q) = %s / %s", tt.in, d, d.German())
		}
	}
}

func TestOfUsesBerlin(t *testing.T) {
	// 23:30 UTC on 31 Dec is already 1 Jan in Berlin.
	d := Of(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
	if d.String() != "2027-01-01" {
		t.Fatalf("got %s", d)
	}
}

func TestScanAndJSON(t *testing.T) {
	var d Date
	for _, src := range []any{"2026-03-05", []byte("2026-03-05"), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), "2026-03-05T00:00:00Z"} {
		if err := d.Scan(src); err != nil || d.String() != "2026-03-05" {
			t.Fatalf("Scan(%v) = %s, %v", src, d, err)
		}
	}
	b, _ := json.Marshal(struct{ D Date }{d})
	if string(b) != `{"D":"2026-03-05"}` {
		t.Fatalf("json %s", b)
	}
	var back struct{ D Date }
	if err := json.Unmarshal(b, &back); err != nil || back.D != d {
		t.Fatalf("unmarshal %v %v", back, err)
	}
}
