package browsertest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindChromium(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Run("explicit path is used", func(t *testing.T) {
		t.Setenv("CHROMIUM_PATH", fake)
		if got, err := findChromium(); err != nil || got != fake {
			t.Fatalf("findChromium() = %q, %v; want %q", got, err, fake)
		}
	})
	t.Run("explicit path that is missing means none", func(t *testing.T) {
		t.Setenv("CHROMIUM_PATH", "/nonexistent")
		if got, err := findChromium(); err == nil {
			t.Fatalf("findChromium() = %q, want an error, not a fallback", got)
		}
	})
	t.Run("found on PATH", func(t *testing.T) {
		t.Setenv("CHROMIUM_PATH", "")
		t.Setenv("PATH", filepath.Dir(fake))
		if got, err := findChromium(); err != nil || got != fake {
			t.Fatalf("findChromium() = %q, %v; want %q", got, err, fake)
		}
	})
}
