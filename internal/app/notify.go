package app

import (
	"log/slog"

	"github.com/uptrace/bun"

	"coopshop/internal/config"
	"coopshop/internal/notify"
)

// newNotifier builds the outbox dispatcher: mails through SMTP_URL, or
// into the log when it is not set (demo, development).
func newNotifier(cfg config.Config, bdb *bun.DB, log *slog.Logger) (*notify.Dispatcher, error) {
	var sender notify.Sender = notify.LogSender{Log: log}
	if cfg.SMTPURL != "" {
		s, err := notify.NewSMTPSender(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		sender = s
	}
	return &notify.Dispatcher{DB: bdb, Sender: sender, Log: log}, nil
}
