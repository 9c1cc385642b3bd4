package order

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/db"
	"coopshop/internal/money"
	"coopshop/internal/notify"
)

// whoMay lists the e-mail addresses of the candidates the enforcer allows
// action on the order: the approvers of the open stage (their role, their
// limit, not the requester, not an earlier approver), or sales.
func (s *Service) whoMay(ctx context.Context, idb bun.IDB, orgID int64, action string, o *Order) ([]string, error) {
	// The enforcer is asked about the users holding a role with a line
	// for the action, not about every user of the organisation.
	subjects, err := account.Subjects(ctx, idb, s.Authz, orgID, s.Authz.HoldersOf("order", action))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sub := range subjects {
		if s.Authz.Allowed(sub, action, o.Object()) {
			out = append(out, sub.Email)
		}
	}
	if action != "approve" || orgID == 0 {
		return out, nil
	}
	// The deputies who stand in today for someone whose role and limit
	// the open stage allows hear of it too (DESIGN §3).
	deputies, err := s.deputySubjects(ctx, idb, orgID, subjects)
	if err != nil {
		return nil, err
	}
	for _, sub := range deputies {
		if !slices.Contains(out, sub.Email) && s.Authz.Allowed(sub, action, o.Object()) {
			out = append(out, sub.Email)
		}
	}
	return out, nil
}

// deputySubjects are the active deputies of the organisation's users who
// stand in today, as the enforcer sees them when they act for their
// principal; principals are the organisation's candidates, read once for
// both.
func (s *Service) deputySubjects(ctx context.Context, idb bun.IDB, orgID int64, principals []authz.Subject) ([]authz.Subject, error) {
	var rows []struct {
		PrincipalID int64  `bun:"principal_id"`
		DeputyID    int64  `bun:"deputy_id"`
		Email       string `bun:"email"`
	}
	// Prepared, as candidates: every step's notification job asks it, and
	// planning the two joins cost more than running them (issue 15).
	q := idb.NewSelect().TableExpr("deputies AS dep").
		ColumnExpr("dep.principal_id, dep.deputy_id, d.email").
		Join("JOIN users AS d ON d.id = dep.deputy_id").
		Join("JOIN users AS p ON p.id = dep.principal_id").
		Where("dep.organisation_id = $1 AND dep.valid_from <= $2 AND dep.valid_to >= $2 AND d.active AND p.active").
		OrderExpr("dep.id")
	if err := db.ScanPreparedInto(ctx, idb, q, &rows, orgID, s.today().String()); err != nil {
		return nil, fmt.Errorf("deputies of organisation %d: %w", orgID, err)
	}
	var out []authz.Subject
	for _, r := range rows {
		for _, p := range principals {
			if p.UserID == r.PrincipalID {
				p.UserID, p.Email, p.OnBehalfOf = r.DeputyID, r.Email, r.PrincipalID
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// UrgentSubjectPrefix starts the subject of every mail about an urgent
// order request (Eilbestellung), so that it stands out in any mailbox.
const UrgentSubjectPrefix = "EILT: "

// markUrgent makes the mails about an urgent order (Eilbestellung) say so
// first: the subject starts with UrgentSubjectPrefix, the text with the
// reason. Other orders' mails stay as they are.
func markUrgent(o *Order, msgs []notify.Message) []notify.Message {
	if !o.Urgent {
		return msgs
	}
	for i := range msgs {
		if !strings.HasPrefix(msgs[i].Subject, UrgentSubjectPrefix) {
			msgs[i].Subject = UrgentSubjectPrefix + msgs[i].Subject
			msgs[i].Body = "EILBESTELLUNG – Begründung: " + o.UrgentReason + "\n\n" + msgs[i].Body
		}
	}
	return msgs
}

// mailsAfter composes the notifications a step causes: who must act next
// (the approvers of the open stage, sales once approved) and the requester
// about every decision on their request.
func (s *Service) mailsAfter(ctx context.Context, idb bun.IDB, o *Order, st Step, actor account.Principal, comment string) (out []notify.Message, err error) {
	msg := func(to []string, subject, body string) {
		for _, addr := range to {
			out = append(out, notify.Message{Event: "order." + string(st), To: addr, Subject: subject, Body: body, Entity: "order", EntityID: o.ID})
		}
	}
	defer func() { out = markUrgent(o, out) }()
	link := s.BaseURL + fmt.Sprintf("/orders/%d", o.ID)
	facts := fmt.Sprintf("Bestellung: %s\nMitglied: %s\nAngefordert von: %s\nBetrag: %s brutto\nKostenstelle: %s\n\n%s\n",
		o.Number, o.MemberName, o.RequesterName, money.Format(o.GrossCents), o.CostCentre, link)
	actorID, actorName := int64(0), "Das System"
	if actor.User != nil && actor.User.ID != 0 {
		actorID, actorName = actor.User.ID, actor.User.Name
	}
	requester := []string{o.RequesterEmail}
	if o.RequesterID == actorID {
		requester = nil // nobody needs a mail about what they just did themselves
	}
	remark := ""
	if c := strings.TrimSpace(comment); c != "" {
		remark = fmt.Sprintf("Kommentar von %s: %s\n\n", actorName, c)
	}
	switch o.State {
	case StateSubmitted:
		stage := o.OpenStage()
		if stage == nil {
			break
		}
		to, err := s.whoMay(ctx, idb, o.OrgID, "approve", o)
		if err != nil {
			return nil, err
		}
		msg(to, fmt.Sprintf("Zur Genehmigung: %s (Stufe %d)", o.Number, stage.StageNo),
			fmt.Sprintf("Die Bestellanforderung %s wartet auf Ihre Genehmigung (Stufe %d).\n\n%s", o.Number, stage.StageNo, facts))
		if st == StepApprove {
			msg(requester, fmt.Sprintf("%s: Stufe %d genehmigt", o.Number, stage.StageNo-1),
				fmt.Sprintf("%s hat Stufe %d Ihrer Bestellanforderung genehmigt; nun ist Stufe %d an der Reihe.\n\n%s%s",
					actorName, stage.StageNo-1, stage.StageNo, remark, facts))
		}
	case StateApproved:
		to, err := s.whoMay(ctx, idb, 0, "confirm", o)
		if err != nil {
			return nil, err
		}
		if o.NeedsQuote() {
			msg(to, "Angebot nötig: "+o.Number, fmt.Sprintf("Die genehmigte Bestellung %s enthält Positionen ohne Rahmenvertragspreis; bitte erstellen Sie ein Angebot.\n\n%s", o.Number, facts))
		} else {
			msg(to, "Zu bestätigen: "+o.Number, fmt.Sprintf("Die Bestellung %s ist genehmigt und kann bestätigt werden.\n\n%s", o.Number, facts))
		}
		msg(requester, o.Number+": genehmigt", fmt.Sprintf("Ihre Bestellanforderung %s ist genehmigt und liegt nun beim Vertrieb der KID.\n\n%s%s", o.Number, remark, facts))
	case StateRejected:
		msg(requester, o.Number+": abgelehnt", fmt.Sprintf("%s hat Ihre Bestellanforderung %s abgelehnt.\n\n%s%s", actorName, o.Number, remark, facts))
	case StateReturned:
		msg(requester, o.Number+": bitte überarbeiten", fmt.Sprintf("%s hat Ihre Bestellanforderung %s zur Überarbeitung zurückgegeben.\n\n%s%s", actorName, o.Number, remark, facts))
	case StateConfirmed:
		if st == StepConfirm || st == StepQuoteAccepted {
			msg(requester, o.Number+": Auftrag bestätigt", fmt.Sprintf("Der Vertrieb der KID hat Ihre Bestellung %s bestätigt.\n\n%s", o.Number, facts))
		} else {
			msg(requester, o.Number+": Teillieferung", fmt.Sprintf("Zu Ihrer Bestellung %s wurde eine Teillieferung erfasst.\n\n%s", o.Number, facts))
		}
	case StateQuoting:
		msg(requester, o.Number+": Angebot in Arbeit", fmt.Sprintf("Für Ihre Bestellung %s erstellt der Vertrieb der KID ein Angebot.\n\n%s", o.Number, facts))
	case StateDelivered:
		msg(requester, o.Number+": geliefert", fmt.Sprintf("Ihre Bestellung %s ist vollständig geliefert.\n\n%s", o.Number, facts))
	}
	return out, nil
}
