package app

import (
	"log/slog"

	"coopshop/internal/config"
	"coopshop/internal/document"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/quote"
)

// newSender is where mails go: through SMTP_URL, or into the log when it
// is not set (demo, development).
func newSender(cfg config.Config, log *slog.Logger) (notify.Sender, error) {
	if cfg.SMTPURL != "" {
		return notify.NewSMTPSender(cfg.SMTPURL)
	}
	return notify.LogSender{Log: log}, nil
}

// registerJobs gives the runner a handler for every kind of job the steps
// write: the mails, the step notifications of orders and quotations (their
// recipients are worked out there), the documents issued after a step, the daily reminders of waiting
// requests,
// the daily reminders of waiting quotations, the mails of issued invoices,
// the hourly retention run (internal/privacy).
func (a *App) registerJobs(sender notify.Sender) {
	notify.Register(a.Jobs, sender)
	// The step jobs send their mails themselves (notify.SendOnce).
	a.Orders.Mail, a.Quotes.Mail = sender, sender
	a.Jobs.Handle(notify.StepKind("order"), a.Orders.NotifyJob)
	a.Jobs.Handle(notify.StepKind("quote"), a.Quotes.NotifyJob)
	a.Jobs.Handle(order.KindReminders, a.Orders.RemindersJob)
	a.Jobs.Handle(quote.KindReminders, a.Quotes.RemindersJob)
	document.Register(a.Jobs, a.DB)
	a.Invoices.Register(a.Jobs)
	a.Subscriptions.Register(a.Jobs)
	a.Catalog.Register(a.Jobs)
	a.Privacy.Register(a.Jobs)
	a.Backups.Register(a.Jobs)
	a.Purchases.Register(a.Jobs)
}
