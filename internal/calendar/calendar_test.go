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

// Berlin is the real zone, never a UTC fall-back: winter is UTC+1, summer
// UTC+2, and 23:30 UTC on 30 June is already 1 July there.
func TestBerlinIsLoaded(t *testing.T) {
	tests := []struct {
		at         time.Time
		wantOffset int
		wantDay    string
	}{
		{time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC), 3600, "2027-01-15"},
		{time.Date(2027, 7, 15, 12, 0, 0, 0, time.UTC), 7200, "2027-07-15"},
		{time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), 7200, "2026-07-01"},
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), 3600, "2027-01-01"},
	}
	if Berlin.String() != "Europe/Berlin" {
		t.Fatalf("Berlin is %q", Berlin)
	}
	for _, tt := range tests {
		if _, off := tt.at.In(Berlin).Zone(); off != tt.wantOffset {
			t.Errorf("offset at %v: %d, want %d", tt.at, off, tt.wantOffset)
		}
		if got := Of(tt.at).String(); got != tt.wantDay {
			t.Errorf("Of(%v) = %s, want %s", tt.at, got, tt.wantDay)
		}
	}
}

func TestMustLoadPanicsOnUnknownZone(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a zone that does not exist")
		}
	}()
	mustLoad("Europe/Atlantis")
}
