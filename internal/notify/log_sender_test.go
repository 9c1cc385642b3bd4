package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"coopshop/internal/notify"
)

// TestLogSenderKeepsStartupQuiet: without SMTP the demo's mails do not
// each write an INFO line (they buried the address and the logins of
// `make run`); at debug level they are still traceable.
func TestLogSenderKeepsStartupQuiet(t *testing.T) {
	for _, tt := range []struct {
		level slog.Level
		lines int
	}{{slog.LevelInfo, 0}, {slog.LevelDebug, 3}} {
		var buf bytes.Buffer
		s := notify.LogSender{Log: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level}))}
		for i := 0; i < 3; i++ {
			if err := s.Send(context.Background(), notify.Message{To: "a@example.org", Subject: "Test", Event: "order.submit"}); err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Count(buf.String(), "\n"); got != tt.lines {
			t.Errorf("level %v: %d log lines, want %d:\n%s", tt.level, got, tt.lines, buf.String())
		}
	}
}
