package privacy

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
)

// Section is one part of the privacy notice: a heading and its text
// (paragraphs separated by blank lines).
type Section struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Notice is the privacy notice ("Datenschutz") as shown: its version (0:
// the defaults, never saved) and sections.
type Notice struct {
	Version   int64      `json:"version"`
	Sections  []Section  `json:"sections"`
	UpdatedAt *time.Time `json:"updated_at"`
}

// noticeRow is one saved version of the notice.
type noticeRow struct {
	bun.BaseModel `bun:"table:privacy_notices,alias:pn"`

	ID        int64     `bun:"id,pk,autoincrement"`
	Version   int64     `bun:"version"`
	Body      string    `bun:"body"` // JSON of []Section
	UpdatedBy *int64    `bun:"updated_by"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// DefaultSections is the notice until the provider saves its own: what
// coopshop stores, why and for how long. The provider adapts it (its
// name, its data-protection officer).
func DefaultSections() []Section {
	return []Section{
		{Key: "verantwortlich", Title: "Verantwortlich", Text: "Verantwortlich für die Verarbeitung ist der Anbieter dieser Bestellplattform (siehe Rechnungsangaben). Fragen zum Datenschutz richten Sie bitte an den behördlichen Datenschutzbeauftragten des Anbieters."},
		{Key: "konto", Title: "Benutzerkonto", Text: "Gespeichert werden Name, dienstliche E-Mail-Adresse, Organisation, Rollen, Freigabegrenze und Vertretungen. Zweck: Anmeldung, Berechtigungen und die Genehmigungswege Ihrer Organisation (Art. 6 Abs. 1 lit. e DSGVO). Dauer: solange das Konto besteht; nach dem Ausscheiden werden Name und E-Mail-Adresse durch ein Pseudonym ersetzt."},
		{Key: "anmeldung", Title: "Anmeldungen und Sitzungen", Text: "Sitzungen und API-Zugangstoken werden nur als Prüfsumme gespeichert und nach ihrem Ablauf gelöscht (Sitzung: 8 Stunden ohne Nutzung, Token: 24 Stunden). Fehlgeschlagene Anmeldungen werden mit der IP-Adresse zum Schutz vor Angriffen höchstens einen Tag, Protokolleinträge über Anmeldungen höchstens 30 Tage aufbewahrt."},
		{Key: "vorgaenge", Title: "Bestellungen, Genehmigungen und Angebote", Text: "Wer eine Bestellung angefordert, genehmigt, abgelehnt oder ein Angebot angenommen hat, wird mit Zeitpunkt und Kommentar festgehalten. Zweck: Nachvollziehbarkeit der Beschaffung und Vier-Augen-Prinzip. Dauer: solange der Vorgang aufbewahrt werden muss; ausgeschiedene Personen erscheinen dort nur noch unter ihrem Pseudonym."},
		{Key: "protokoll", Title: "Änderungsprotokoll", Text: "Jede Änderung wird mit der handelnden Person, dem Zeitpunkt und dem Inhalt protokolliert (Revisionssicherheit). Die Einträge bleiben erhalten; ausgeschiedene Personen erscheinen darin unter ihrem Pseudonym."},
		{Key: "belege", Title: "Belege", Text: "Ausgestellte Rechnungen, Gutschriften, Auftragsbestätigungen und Angebote werden unverändert zehn Jahre aufbewahrt (§ 147 AO, § 257 HGB, GoBD). Namen, die darin stehen, bleiben dort auch nach einer Pseudonymisierung erhalten."},
		{Key: "mails", Title: "E-Mails", Text: "Benachrichtigungen (Genehmigungen, Angebote, Rechnungen) werden mit Empfänger, Betreff und Text gespeichert, um den Versand nachweisen und wiederholen zu können."},
		{Key: "rechte", Title: "Ihre Rechte", Text: "Sie haben das Recht auf Auskunft (Art. 15), Berichtigung (Art. 16), Löschung bzw. Pseudonymisierung (Art. 17), Einschränkung (Art. 18) und Widerspruch (Art. 21) sowie auf Beschwerde bei der Aufsichtsbehörde. Die Verwaltung Ihrer Organisation kann Ihnen alle zu Ihnen gespeicherten Daten als Datei aushändigen."},
	}
}

// Notice is the current privacy notice, for every logged-in user.
func (s *Service) Notice(ctx context.Context, who authz.Subject) (*Notice, error) {
	if err := s.Authz.Can(ctx, who, "read", authz.On("privacy")); err != nil {
		return nil, err
	}
	return currentNotice(ctx, s.DB)
}

func currentNotice(ctx context.Context, idb bun.IDB) (*Notice, error) {
	row := new(noticeRow)
	err := idb.NewSelect().Model(row).OrderExpr("version DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return &Notice{Sections: DefaultSections()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("privacy notice: %w", err)
	}
	n := &Notice{Version: row.Version, UpdatedAt: &row.UpdatedAt}
	if err := json.Unmarshal([]byte(row.Body), &n.Sections); err != nil {
		return nil, fmt.Errorf("privacy notice %d: %w", row.Version, err)
	}
	return n, nil
}

// maxSectionText bounds one section's text.
const maxSectionText = 10000

// UpdateNotice saves a new version of the notice (admin, privacy manage)
// at the version the actor saw (0 for the defaults); sections are matched
// by key to the current ones, so none is lost or added by a stale form.
// Audited with the sections that changed.
func (s *Service) UpdateNotice(ctx context.Context, actor account.Principal, version int64, sections []Section) (*Notice, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("privacy")); err != nil {
		return nil, err
	}
	var out *Notice
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur, err := currentNotice(ctx, tx)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return apperr.New(apperr.Conflict, "Der Datenschutzhinweis wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
		}
		byKey := map[string]Section{}
		for _, sec := range sections {
			byKey[sec.Key] = sec
		}
		var fields []apperr.FieldError
		var changed []string
		next := make([]Section, len(cur.Sections))
		for i, old := range cur.Sections {
			next[i] = old
			in, ok := byKey[old.Key]
			if !ok {
				continue
			}
			title, text := strings.TrimSpace(in.Title), strings.TrimSpace(strings.ReplaceAll(in.Text, "\r\n", "\n"))
			if title == "" || len(title) > 200 {
				fields = append(fields, apperr.FieldError{Field: old.Key + ".title", Message: "Bitte eine Überschrift angeben (höchstens 200 Zeichen)."})
			}
			if text == "" || len(text) > maxSectionText {
				fields = append(fields, apperr.FieldError{Field: old.Key + ".text", Message: "Bitte einen Text angeben (höchstens 10.000 Zeichen)."})
			}
			if title != old.Title || text != old.Text {
				changed = append(changed, old.Key)
			}
			next[i].Title, next[i].Text = title, text
		}
		for k := range byKey {
			if !hasKey(cur.Sections, k) {
				fields = append(fields, apperr.FieldError{Field: k, Message: "Diesen Abschnitt gibt es nicht."})
			}
		}
		if len(fields) > 0 {
			return apperr.Fields("Der Datenschutzhinweis ist unvollständig.", fields...)
		}
		if len(changed) == 0 {
			out = cur
			return nil
		}
		body, err := json.Marshal(next)
		if err != nil {
			return err
		}
		uid := actor.User.ID
		row := &noticeRow{Version: cur.Version + 1, Body: string(body), UpdatedBy: &uid, UpdatedAt: s.Clock.Now().UTC()}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "unique") || strings.Contains(strings.ToLower(err.Error()), "duplicate") {
				return apperr.New(apperr.Conflict, "Der Datenschutzhinweis wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
			}
			return fmt.Errorf("save privacy notice: %w", err)
		}
		out = &Notice{Version: row.Version, Sections: next, UpdatedAt: &row.UpdatedAt}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "privacy.notice", Entity: "privacy", EntityID: 0,
			Version: row.Version, Detail: map[string]any{"sections": changed}})
	})
	return out, err
}

func hasKey(secs []Section, key string) bool {
	for _, s := range secs {
		if s.Key == key {
			return true
		}
	}
	return false
}
