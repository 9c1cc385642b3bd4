package todo

import (
	"fmt"
	"time"

	"coopshop/internal/calendar"
)

// Since says in German how long something waits, by Berlin calendar
// days: "seit heute", "seit gestern", "seit 4 Tagen".
func Since(t, now time.Time) string {
	days := calendar.Of(now).Time().Sub(calendar.Of(t).Time()).Hours() / 24
	switch n := int(days + 0.5); {
	case n <= 0:
		return "seit heute"
	case n == 1:
		return "seit gestern"
	default:
		return fmt.Sprintf("seit %d Tagen", n)
	}
}

// phrases holds, per kind, the German sentence for one and for many
// waiting items and the word for the oldest of them.
var phrases = map[Kind]struct{ one, many, oldest string }{
	KindApprove:      {"1 wartet auf Ihre Genehmigung", "%d warten auf Ihre Genehmigung", "älteste"},
	KindStuck:        {"1 Anforderung kann niemand mehr entscheiden", "%d Anforderungen kann niemand mehr entscheiden", "älteste"},
	KindQuoteAnswer:  {"1 Angebot wartet auf Ihre Antwort", "%d Angebote warten auf Ihre Antwort", "ältestes"},
	KindTakeUp:       {"1 Projektangebot wartet auf Übernahme", "%d Projektangebote warten auf Übernahme", "ältestes"},
	KindReturned:     {"1 Anforderung wurde Ihnen zur Änderung zurückgegeben", "%d Anforderungen wurden Ihnen zur Änderung zurückgegeben", "älteste"},
	KindSalesInbox:   {"1 genehmigte Bestellung wartet auf den Vertrieb", "%d genehmigte Bestellungen warten auf den Vertrieb", "älteste"},
	KindQuoteApprove: {"1 Angebot wartet auf Ihre Freigabe", "%d Angebote warten auf Ihre Freigabe", "ältestes"},
	KindToInvoice:    {"1 Bestellung mit Lieferung ist zu berechnen", "%d Bestellungen mit Lieferungen sind zu berechnen", "älteste"},
	KindOverdue:      {"1 Rechnung ist überfällig", "%d Rechnungen sind überfällig", "älteste"},
	KindSeatWishes:   {"1 Wunsch nach weniger Plätzen oder Kündigung wartet auf den Vertrieb", "%d Wünsche nach weniger Plätzen oder Kündigungen warten auf den Vertrieb", "ältester"},
}

// Text is the start page's sentence for the item, e.g. "3 warten auf
// Ihre Genehmigung (älteste seit 4 Tagen)".
func (it Item) Text(now time.Time) string {
	ph := phrases[it.Kind]
	s := ph.one
	if it.Count != 1 {
		s = fmt.Sprintf(ph.many, it.Count)
	}
	if o := it.Oldest(); !o.IsZero() {
		s += " (" + ph.oldest + " " + Since(o, now) + ")"
	}
	return s
}

// Label is the short German name of the kind, the heading of its block.
func (k Kind) Label() string {
	switch k {
	case KindApprove:
		return "Zur Genehmigung"
	case KindStuck:
		return "Blockierte Anforderungen"
	case KindQuoteAnswer:
		return "Angebote beantworten"
	case KindTakeUp:
		return "Projektangebote übernehmen"
	case KindReturned:
		return "Zurückgegebene Anforderungen"
	case KindSalesInbox:
		return "Eingang Vertrieb"
	case KindQuoteApprove:
		return "Freigaben"
	case KindToInvoice:
		return "Zu berechnen"
	case KindOverdue:
		return "Überfällige Rechnungen"
	case KindSeatWishes:
		return "Weniger Plätze, Kündigungen"
	}
	return string(k)
}
