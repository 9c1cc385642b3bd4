package quote

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/money"
	"coopshop/internal/notify"
)

// whoMay lists the addresses of the users allowed any of steps on q:
// the enforcer is asked about the holders of a role that may take one
// (authz.HoldersOf), not about every user of the organisation (issue 15).
func (s *Service) whoMay(ctx context.Context, idb bun.IDB, orgID int64, q *Quote, steps ...Step) ([]string, error) {
	actions := make([]string, len(steps))
	for i, st := range steps {
		actions[i] = st.Action()
	}
	subjects, err := account.Subjects(ctx, idb, s.Authz, orgID, s.Authz.HoldersOf("quote", actions...))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sub := range subjects {
		p := account.Principal{User: &account.User{ID: sub.UserID}, Subject: sub}
		if slices.ContainsFunc(steps, func(st Step) bool { return s.Allowed(p, q, st) }) {
			out = append(out, sub.Email)
		}
	}
	return out, nil
}

// emailsOf lists the addresses of users by id, in id order.
func emailsOf(ctx context.Context, idb bun.IDB, ids ...int64) ([]string, error) {
	var want []int64
	for _, id := range ids {
		if id != 0 && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	var out []string
	err := idb.NewSelect().Model((*account.User)(nil)).Column("email").Where("id IN (?) AND active", bun.List(want)).OrderExpr("id").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("notification addresses: %w", err)
	}
	return out, nil
}

func idOf(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// mailsAfter composes the notifications a step causes: the sales lead
// when a version waits for approval, its authors about the approval or a
// return, the member's purchasers and approvers when it is sent, and sales
// about the member's answer or the expiry. Nobody gets a mail about what
// they just did themselves.
func (s *Service) mailsAfter(ctx context.Context, idb bun.IDB, r *run, st Step) ([]notify.Message, error) {
	q := r.quote
	var out []notify.Message
	actorID := int64(0)
	if !isSystem(r.actor) {
		actorID = r.actor.User.ID
	}
	actorEmail := ""
	if actorID != 0 {
		actorEmail = r.actor.User.Email
	}
	msg := func(to []string, subject, body string) {
		for _, addr := range to {
			if addr == actorEmail {
				continue
			}
			out = append(out, notify.Message{Event: "quote." + string(st), To: addr, Subject: subject, Body: body, Entity: "quote", EntityID: q.ID})
		}
	}
	about := "Bestellung: " + q.OrderNumber
	if q.Project {
		about = "Projekt: " + q.Title
	}
	facts := fmt.Sprintf("Angebot: %s\n%s\nMitglied: %s\nBetrag: %s brutto\nGültig bis: %s\n\n%s\n",
		q.DisplayNumber(), about, q.MemberName, money.Format(q.GrossCents), q.ValidUntil.German(),
		s.BaseURL+fmt.Sprintf("/quotes/%d", q.ID))
	remark := ""
	if r.comment != "" && actorID != 0 {
		remark = fmt.Sprintf("Kommentar von %s: %s\n\n", r.actor.User.Name, r.comment)
	}
	var authorIDs []int64
	authorIDs = append(authorIDs, q.AuthorIDs()...)
	sales := func() ([]string, error) {
		return emailsOf(ctx, idb, append([]int64{idOf(q.SentBy), idOf(q.DraftedBy)}, authorIDs...)...)
	}
	switch {
	case st == StepSubmit && q.State == StateSubmitted:
		to, err := s.whoMay(ctx, idb, 0, q, StepApprove)
		if err != nil {
			return nil, err
		}
		msg(to, "Angebot zur Freigabe: "+q.DisplayNumber(), fmt.Sprintf("Das Angebot %s wartet auf Ihre Freigabe.\n\n%s", q.DisplayNumber(), facts))
	case st == StepApprove, st == StepReturn:
		to, err := emailsOf(ctx, idb, authorIDs...)
		if err != nil {
			return nil, err
		}
		what := "freigegeben und kann versendet werden"
		if st == StepReturn {
			what = "zurück in Bearbeitung"
		}
		msg(to, q.DisplayNumber()+": "+what, fmt.Sprintf("Das Angebot %s ist %s.\n\n%s%s", q.DisplayNumber(), what, remark, facts))
	case st == StepSend && q.Project && q.TakenUpBy == nil:
		// A project quotation goes to the member's purchasers, who take it
		// up, and to whoever may accept or answer it.
		to, err := s.whoMay(ctx, idb, q.OrgID, q, StepRequest, StepReject)
		if err != nil {
			return nil, err
		}
		msg(to, "Neues Projektangebot der KID: "+q.DisplayNumber(), fmt.Sprintf(
			"Die KID bietet Ihnen das Projekt „%s“ an (Angebot %s). Ein Besteller übernimmt es mit Kostenstelle, Lieferadresse und Bestellzeichen („Angebot annehmen und bestellen“); danach nimmt es die Genehmigung an.\n\n%s%s",
			q.Title, q.DisplayNumber(), remark, facts))
	case st == StepRequest:
		to, err := s.whoMay(ctx, idb, q.OrgID, q, StepAccept)
		if err != nil {
			return nil, err
		}
		msg(to, "Projektangebot zur Annahme: "+q.DisplayNumber(), fmt.Sprintf(
			"%s hat das Projektangebot %s („%s“) übernommen und bestellt es. Bitte nehmen Sie es an (Genehmigung des Betrags) oder lehnen Sie es ab.\n\n%s",
			r.actor.User.Name, q.DisplayNumber(), q.Title, facts))
	case st == StepSend:
		// Everyone of the member who may answer: accept the open stage, or
		// reject and ask for a revision.
		to, err := s.whoMay(ctx, idb, q.OrgID, q, StepAccept, StepReject)
		if err != nil {
			return nil, err
		}
		msg(to, "Neues Angebot der KID: "+q.DisplayNumber(), fmt.Sprintf(
			"Zu Ihrer Bestellung %s liegt das Angebot %s vor. Bitte nehmen Sie es an, lehnen Sie es ab oder bitten Sie um eine Überarbeitung.\n\n%s%s",
			q.OrderNumber, q.DisplayNumber(), remark, facts))
	case st == StepAccept && q.State == StateSent:
		// One stage of the member's approval is decided; the next waits.
		m := q.OpenMemberStage()
		if m == nil {
			break
		}
		to, err := s.whoMay(ctx, idb, q.OrgID, q, StepAccept)
		if err != nil {
			return nil, err
		}
		msg(to, fmt.Sprintf("Angebot zur Annahme: %s (Stufe %d)", q.DisplayNumber(), m.StageNo), fmt.Sprintf(
			"%s hat Stufe %d des Angebots %s angenommen; nun ist Stufe %d an der Reihe.\n\n%s%s",
			r.actor.User.Name, m.StageNo-1, q.DisplayNumber(), m.StageNo, remark, facts))
	case st == StepAccept, st == StepReject, st == StepRevise:
		to, err := sales()
		if err != nil {
			return nil, err
		}
		what := map[Step]string{StepAccept: "angenommen", StepReject: "abgelehnt", StepRevise: "zur Überarbeitung zurückgegeben"}[st]
		body := fmt.Sprintf("%s (%s) hat das Angebot %s %s.\n\n%s%s", r.actor.User.Name, q.MemberName, q.DisplayNumber(), what, remark, facts)
		if r.next != nil {
			body += fmt.Sprintf("\nDie Version %d ist als Entwurf angelegt: %s/quotes/%d\n", r.next.VersionNo, s.BaseURL, r.next.ID)
		}
		msg(to, q.DisplayNumber()+": "+what, body)
	case st == StepExpire:
		to, err := sales()
		if err != nil {
			return nil, err
		}
		closed := fmt.Sprintf("; die Bestellung %s ist geschlossen", q.OrderNumber)
		if q.Project {
			closed = ""
		}
		msg(to, q.DisplayNumber()+": abgelaufen", fmt.Sprintf("Das Angebot %s ist unbeantwortet abgelaufen%s.\n\n%s",
			q.DisplayNumber(), closed, facts))
	}
	return out, nil
}
