package demo

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
)

// The catalog step runs after the accounts (it needs the members for the
// eligibility of contracts); init runs after Steps is initialised.
func init() { Steps = append(Steps, seedCatalog) }

var demoCategories = []catalog.Category{
	{Name: "Notebooks", Slug: "notebooks"},
	{Name: "Thin Clients & PCs", Slug: "thin-clients-pcs"},
	{Name: "Monitore & Zubehör", Slug: "monitore-zubehoer"},
	{Name: "Mietmodelle", Slug: "mietmodelle"},
	{Name: "Cloud-Arbeitsplätze", Slug: "cloud-arbeitsplaetze"},
	{Name: "Netzwerk & VPN", Slug: "netzwerk-vpn"},
	{Name: "Software & Lizenzen", Slug: "software-lizenzen"},
	{Name: "Drucker", Slug: "drucker"},
	{Name: "Dienstleistungen", Slug: "dienstleistungen"},
}

// demoProduct is a product of the demo catalog with its category by slug.
type demoProduct struct {
	category string
	catalog.Product
}

func n(v int64) *int64 { return &v }

func hw(cat, sku, name, desc string, cents int64) demoProduct {
	return demoProduct{cat, catalog.Product{SKU: sku, Name: name, Description: desc, Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: cents, VATPercent: 19, Active: true}}
}

func svc(cat, sku, name, desc, unit string, cents int64) demoProduct {
	return demoProduct{cat, catalog.Product{SKU: sku, Name: name, Description: desc, Kind: catalog.KindService, Unit: unit, ListPriceCents: cents, VATPercent: 19, Active: true}}
}

func seat(cat, sku, name, desc, unit string, cents int64) demoProduct {
	return demoProduct{cat, catalog.Product{SKU: sku, Name: name, Description: desc, Kind: catalog.KindSeat, Unit: unit, ListPriceCents: cents, VATPercent: 19, Active: true,
		SetupRequired: cat == "cloud-arbeitsplaetze" || cat == "netzwerk-vpn", NoticeMonths: 3, EndReminderMonths: 3}}
}

func rental(sku, name, desc string, months, monthly int64, buyout *int64) demoProduct {
	return demoProduct{"mietmodelle", catalog.Product{SKU: sku, Name: name, Description: desc, Kind: catalog.KindRental, Unit: "Gerät/Monat",
		ListPriceCents: monthly, VATPercent: 19, Active: true, NoticeMonths: 3, EndReminderMonths: 3, RentalTermMonths: n(months), RentalMonthlyCents: n(monthly), RentalBuyoutCents: buyout}}
}

var demoProducts = []demoProduct{
	hw("notebooks", "NB-LEN-T14-G5", "Lenovo ThinkPad T14 Gen 5",
		"14-Zoll-Business-Notebook für den Verwaltungsarbeitsplatz: Intel Core Ultra 5, 16 GB RAM, 512 GB SSD, entspiegeltes WUXGA-Display, Windows 11 Pro. Drei Jahre Vor-Ort-Garantie, BSI-konforme Grundkonfiguration ab Werk.", 104900),
	hw("notebooks", "NB-LEN-X1-G12", "Lenovo ThinkPad X1 Carbon Gen 12",
		"Leichtes 14-Zoll-Notebook (1,1 kg) für Führungskräfte und Außentermine: Intel Core Ultra 7, 32 GB RAM, 1 TB SSD, LTE-Modul. Drei Jahre Vor-Ort-Garantie.", 189900),
	hw("notebooks", "NB-DELL-5450", "Dell Latitude 5450",
		"Robustes 14-Zoll-Notebook für Bürgerbüros und Außendienst: Intel Core Ultra 5, 16 GB RAM, 512 GB SSD, Smartcard-Leser. Drei Jahre ProSupport.", 99900),
	hw("notebooks", "NB-HP-840-G11", "HP EliteBook 840 G11",
		"14-Zoll-Notebook mit Privacy-Screen gegen seitliche Einblicke, 16 GB RAM, 512 GB SSD. Nicht Teil eines Rahmenvertrags: Bestellung über Angebot.", 112900),
	hw("notebooks", "NB-FJ-U7414", "Fujitsu Lifebook U7414",
		"14-Zoll-Notebook aus europäischer Fertigung, 16 GB RAM, 512 GB SSD, wechselbarer Akku.", 106900),
	hw("thin-clients-pcs", "TC-IGEL-UD3", "IGEL UD3 Thin Client",
		"Kompakter Thin Client für Terminalserver- und Cloud-Arbeitsplätze, zentral verwaltet über IGEL UMS, lüfterlos und geräuschlos.", 42900),
	hw("thin-clients-pcs", "TC-IGEL-UD7", "IGEL UD7 Thin Client",
		"Leistungsstarker Thin Client für Mehrschirm-Arbeitsplätze (bis zu vier Monitore) und Videokonferenzen.", 61900),
	hw("thin-clients-pcs", "PC-FJ-ESPRIMO-G6012", "Fujitsu Esprimo G6012 Mini-PC",
		"Mini-PC für Fachverfahren, die lokal laufen müssen: Intel Core i5, 16 GB RAM, 512 GB SSD, VESA-Halterung für die Montage hinter dem Monitor.", 68900),
	hw("thin-clients-pcs", "PC-DELL-OPTI-7020", "Dell OptiPlex 7020 Micro",
		"Kleiner Büro-PC mit Intel Core i5, 16 GB RAM, 512 GB SSD, drei Jahre Vor-Ort-Service.", 73900),
	hw("monitore-zubehoer", "MON-DELL-P2425H", "Dell P2425H 24-Zoll-Monitor",
		"24-Zoll-Monitor (Full HD, IPS), höhenverstellbar und drehbar, ergonomisch nach DGUV-Empfehlungen für Bildschirmarbeitsplätze.", 21900),
	hw("monitore-zubehoer", "MON-EIZO-EV2740X", "EIZO FlexScan EV2740X 27 Zoll, USB-C",
		"27-Zoll-Monitor mit 4K-Auflösung und USB-C-Anschluss (Laden und Bild über ein Kabel), integrierter Netzwerkanschluss. Fünf Jahre Garantie.", 64900),
	hw("monitore-zubehoer", "MON-IIYAMA-XUB2493", "iiyama ProLite XUB2493HS 24 Zoll",
		"Preiswerter 24-Zoll-Monitor mit Höhenverstellung, für Schulungsräume und Zweitbildschirme.", 16900),
	hw("monitore-zubehoer", "DOCK-LEN-USBC", "Lenovo ThinkPad Universal USB-C Dock",
		"Dockingstation für Notebooks mit USB-C: zwei Monitore, Netzwerk, vier USB-Anschlüsse, 90 W Ladeleistung.", 23900),
	hw("monitore-zubehoer", "DOCK-DELL-WD19S", "Dell Dockingstation WD19S",
		"USB-C-Dockingstation für Dell-Notebooks, 130 W Netzteil, zwei Monitore.", 22900),
	hw("monitore-zubehoer", "HS-JABRA-EVOLVE2-40", "Jabra Evolve2 40 SE, USB-A, Stereo",
		"Kabelgebundenes Stereo-Headset für Telefonie und Videokonferenzen, zertifiziert für Microsoft Teams, mit Besetztlicht.", 11900),
	hw("monitore-zubehoer", "HS-JABRA-EVOLVE2-65", "Jabra Evolve2 65 Flex, kabellos",
		"Faltbares Bluetooth-Headset mit aktiver Geräuschunterdrückung für Großraumbüros und Telearbeit.", 21900),
	hw("monitore-zubehoer", "KB-CHERRY-DW5100", "Cherry DW 5100 Tastatur-Maus-Set",
		"Kabelloses Set mit deutschem Tastaturlayout (QWERTZ) und leiser Tastatur, AES-verschlüsselte Funkverbindung.", 5990),
	hw("monitore-zubehoer", "CAM-LOGI-C925E", "Logitech C925e Webcam",
		"Full-HD-Webcam mit Sichtschutzblende für Videosprechstunden und Besprechungen.", 8900),
	rental("MIET-PC-BUERO-36", "Miet-PC Büro, 36 Monate",
		"Komplett-Arbeitsplatz zur Miete: Büro-PC, 24-Zoll-Monitor, Tastatur und Maus, inklusive Installation, Austausch im Störungsfall und zertifizierter Datenlöschung bei Rückgabe. Übernahme zum Laufzeitende möglich.",
		36, 4490, n(9900)),
	rental("MIET-NB-VERW-36", "Miet-Notebook Verwaltung, 36 Monate",
		"Notebook mit Dockingstation zur Miete, inklusive Einrichtung, Vor-Ort-Service und Rücknahme. Übernahme zum Laufzeitende möglich.",
		36, 5490, n(14900)),
	rental("MIET-MFP-A4-60", "Miet-Multifunktionsgerät A4, 60 Monate",
		"Drucken, Scannen, Kopieren: Multifunktionsgerät zur Miete mit Wartung und Verbrauchsmaterial außer Papier.",
		60, 6900, nil),
	seat("cloud-arbeitsplaetze", "CLOUD-AP-STD", "Cloud-Arbeitsplatz Standard",
		"Virtueller Windows-Arbeitsplatz im kommunalen Rechenzentrum mit Office-Paket, E-Mail und 50 GB Speicher, erreichbar vom Thin Client, Notebook oder aus der Telearbeit. Abrechnung je Nutzer und Monat.", "Nutzer/Monat", 3450),
	seat("cloud-arbeitsplaetze", "CLOUD-AP-PLUS", "Cloud-Arbeitsplatz Plus (mit Fachverfahren)",
		"Wie der Cloud-Arbeitsplatz Standard, zusätzlich mit Anbindung der Fachverfahren (Finanzwesen, Einwohnermeldewesen) und 200 GB Speicher.", "Nutzer/Monat", 4950),
	seat("cloud-arbeitsplaetze", "CLOUD-SPEICHER-100", "Zusätzlicher Cloud-Speicher 100 GB",
		"Erweiterung des Speichers eines Cloud-Arbeitsplatzes um 100 GB, georedundant gesichert.", "Nutzer/Monat", 490),
	seat("netzwerk-vpn", "VPN-ZUGANG-STD", "VPN-Zugang Standard (Telearbeit)",
		"Gesicherter Zugang ins Verwaltungsnetz für Telearbeit und mobiles Arbeiten, mit Client-Software und Zertifikat.", "Zugang/Monat", 650),
	seat("netzwerk-vpn", "VPN-ZUGANG-2FA", "VPN-Zugang mit Zwei-Faktor-Token",
		"VPN-Zugang mit Hardware-Token für die Zwei-Faktor-Anmeldung, für Zugriffe auf besonders schützenswerte Daten.", "Zugang/Monat", 890),
	hw("netzwerk-vpn", "NET-SWITCH-24-POE", "Switch 24 Port PoE, verwaltet",
		"Verwalteter Gigabit-Switch mit 24 PoE-Anschlüssen für Telefone und Access-Points, 19-Zoll-Montage.", 119000),
	hw("netzwerk-vpn", "NET-WLAN-AP", "WLAN-Access-Point für Büroflächen",
		"Wi-Fi-6-Access-Point zur Deckenmontage, zentral verwaltet, für Gäste- und Verwaltungsnetz getrennt.", 38900),
	seat("software-lizenzen", "LIZ-M365-E3", "Microsoft 365 E3, Nutzerlizenz",
		"Office-Anwendungen, Exchange und Teams je Nutzer, bereitgestellt im Rahmen des Landesvertrags. Abrechnung monatlich.", "Nutzer/Monat", 3640),
	seat("software-lizenzen", "LIZ-ACROBAT-PRO", "Adobe Acrobat Pro, Nutzerlizenz",
		"PDF erstellen, bearbeiten, schwärzen und elektronisch signieren. Abrechnung monatlich je Nutzer.", "Nutzer/Monat", 1999),
	svc("software-lizenzen", "LIZ-ESET-ENDPOINT", "ESET Endpoint Security, Lizenz je Gerät",
		"Virenschutz und Geräteschutz für Arbeitsplatzrechner, zentral verwaltet, Laufzeit ein Jahr.", "Gerät/Jahr", 3200),
	svc("software-lizenzen", "SVC-GW-WEBACCESS", "GroupWise WebAccess",
		"Zugriff auf das GroupWise-Postfach (E-Mail, Kalender, Adressbuch) über den Browser, auch von unterwegs. Abrechnung je Postfach und Monat.", "Postfach/Monat", 320),
	svc("software-lizenzen", "SVC-FILR-ORDNER", "Filr-Ordner",
		"Gemeinsamer Dateiordner im Rechenzentrum mit Freigaben für Kolleginnen, Kollegen und externe Partner, Synchronisation auf Notebook und Smartphone. Abrechnung je Ordner und Monat.", "Ordner/Monat", 250),
	hw("drucker", "DR-KYO-M3655IDN", "Kyocera ECOSYS M3655idn Multifunktionsdrucker",
		"Schwarz-Weiß-Multifunktionsgerät (Drucken, Scannen, Kopieren, Faxen), 55 Seiten je Minute, Follow-Me-Printing mit Dienstausweis.", 84900),
	hw("drucker", "DR-BRO-HL-L6410DN", "Brother HL-L6410DN Laserdrucker",
		"Schneller Schwarz-Weiß-Laserdrucker für Arbeitsplatz und Abteilung, Duplexdruck, Netzwerk.", 42900),
	svc("drucker", "SVC-DRUCKKONZEPT", "Druckerkonzept und Standortanalyse",
		"Bestandsaufnahme aller Drucker und Kopierer eines Standorts, Auswertung der Druckvolumina und Konzept für eine wirtschaftliche Druckerlandschaft mit weniger Geräten.", "Pauschale", 145000),
	svc("dienstleistungen", "SVC-EINRICHTUNG-NB", "Einrichtung Notebook",
		"Betankung mit dem Verwaltungsimage, Inventarisierung, Verschlüsselung und Übergabe an die Nutzerin oder den Nutzer.", "Stück", 4900),
	svc("dienstleistungen", "SVC-DATENUEBERNAHME", "Datenübernahme vom Altgerät",
		"Übertragung von Dokumenten, Favoriten und Einstellungen vom bisherigen Gerät.", "Stück", 3500),
	svc("dienstleistungen", "SVC-ENTSORGUNG", "Datenträgervernichtung und Entsorgung",
		"Zertifizierte Vernichtung der Datenträger nach DIN 66399 und umweltgerechte Entsorgung des Altgeräts, mit Nachweis.", "Gerät", 1900),
	svc("dienstleistungen", "SVC-SCHULUNG", "Anwenderschulung, halber Tag",
		"Schulung vor Ort oder online für bis zu acht Beschäftigte, z. B. zum Umstieg auf den Cloud-Arbeitsplatz.", "Termin", 69000),
	{"dienstleistungen", catalog.Product{SKU: "SVC-VOR-ORT", Name: "Vor-Ort-Installation",
		Description: "Installation und Inbetriebnahme durch unsere Technikerinnen und Techniker vor Ort – Aufwand und Preis nach Absprache, Sie erhalten ein Angebot.",
		Kind:        catalog.KindService, Unit: "Stunde", VATPercent: 19, Active: true, QuoteOnly: true}},
	// The cooperative's own service to its members is not taxable (§ 2b
	// UStG): the 0 % product of the demo, with its reason.
	{"dienstleistungen", catalog.Product{SKU: "SVC-IKZ-FACHVERFAHREN", Name: "Fachverfahrensbetreuung (interkommunal)",
		Description: "Betreuung der Fachverfahren durch die Genossenschaft als interkommunale Zusammenarbeit: Updates, Anwenderberatung, Störungsannahme. Nicht steuerbar nach § 2b UStG.",
		Kind:        catalog.KindService, Unit: "Stunde", ListPriceCents: 8500, VATPercent: 0, VATExemptReason: catalog.VATNotTaxable2b, Active: true}},
	{"notebooks", catalog.Product{SKU: "NB-LEN-T14-G4", Name: "Lenovo ThinkPad T14 Gen 4 (Auslaufmodell)",
		Description: "Vorgängermodell, nicht mehr lieferbar.", Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 99900, VATPercent: 19, Active: false}},
}

// demoLine is a contract line with its product by SKU.
type demoLine struct {
	sku              string
	price            int64
	total, perMember *int64
	minQuantity      int64
}

// demoContract is a contract relative to the seed year Y: number and
// title are formats that get Y ({Y}) and the year after it, two digits
// (%02[2]d); it is valid from 1 January of Y+fromYears to 31 December of
// Y+toYears, so that the demo has the same valid, expired and future
// contracts whenever it is seeded.
type demoContract struct {
	number, title, supplier string
	fromYears, toYears      int
	members                 []string // empty: all members
	lines                   []demoLine
}

// in fills the formats and dates of dc for seed year y.
func (dc demoContract) in(seedYear int) (number, title string, from, to calendar.Date) {
	first := seedYear + dc.fromYears
	r := strings.NewReplacer("{Y}", strconv.Itoa(first), "{yy+1}", fmt.Sprintf("%02d", (first+1)%100))
	return r.Replace(dc.number), r.Replace(dc.title),
		calendar.New(first, time.January, 1), calendar.New(seedYear+dc.toYears, time.December, 31)
}

// allBut lists the demo members except those named.
func allBut(names ...string) []string {
	var out []string
	for _, o := range organisations {
		skip := o.Kind != account.KindMember
		for _, name := range names {
			skip = skip || o.Name == name
		}
		if !skip {
			out = append(out, o.Name)
		}
	}
	return out
}

// demoContracts: the notebook contract lets Landkreis Börde order 30
// ThinkPads T14 at 849,00 € (30.309,30 € gross, its quota is 50); the
// rental contract is not open to Stadt Weißenfels; one contract has
// expired, one starts next year.
var demoContracts = []demoContract{
	{"RV-{Y}-NB-01", "Notebooks und Zubehör {Y}/{yy+1}", "Systemhaus Elbe GmbH", 0, 1, nil, []demoLine{
		{"NB-LEN-T14-G5", 84900, n(250), n(50), 1},
		{"NB-LEN-X1-G12", 154900, n(40), n(10), 1},
		{"NB-DELL-5450", 82900, n(150), n(40), 1},
		{"DOCK-LEN-USBC", 18900, n(300), n(60), 1},
		{"SVC-EINRICHTUNG-NB", 3900, nil, nil, 1},
		// The cooperative's own support of the procedures on the
		// devices, not taxable (§ 2b UStG).
		{"SVC-IKZ-FACHVERFAHREN", 7800, nil, nil, 1},
	}},
	{"RV-{Y}-TC-02", "Thin Clients {Y}/{yy+1}", "Mitteldeutsche IT-Handel GmbH", 0, 1, nil, []demoLine{
		{"TC-IGEL-UD3", 37900, n(400), nil, 1},
		{"TC-IGEL-UD7", 54900, n(100), n(25), 1},
	}},
	{"RV-{Y}-MON-03", "Monitore {Y}/{yy+1}", "Mitteldeutsche IT-Handel GmbH", 0, 1, nil, []demoLine{
		{"MON-DELL-P2425H", 16900, n(500), nil, 5},
		{"MON-EIZO-EV2740X", 55900, nil, n(40), 5},
	}},
	{"RV-{Y}-MIET-04", "Mietmodelle und Cloud-Arbeitsplätze", "KID Magdeburg (Eigenleistung)", 0, 1, allBut("Stadt Weißenfels"), []demoLine{
		{"MIET-PC-BUERO-36", 3990, n(300), nil, 1},
		{"MIET-NB-VERW-36", 4990, n(200), nil, 1},
		{"CLOUD-AP-STD", 2990, nil, nil, 1},
		{"CLOUD-AP-PLUS", 4490, nil, nil, 1},
		{"VPN-ZUGANG-STD", 550, nil, nil, 1},
	}},
	{"RV-{Y}-NB-09", "Notebooks {Y}/{yy+1}", "Systemhaus Elbe GmbH", -2, -1, nil, []demoLine{
		{"NB-LEN-T14-G4", 89900, n(300), n(60), 1},
		{"NB-DELL-5450", 89900, nil, nil, 1},
	}},
	// A pooled contract (Einkaufsgemeinschaft, issue 14): one total per
	// line, and named member quotas (demoMemberQuotas) for Börde and
	// Weißenfels; Wolmirstedt and Obere Aller order against the total.
	{"RV-{Y}-POOL-06", "Headsets und Webcams (Einkaufsgemeinschaft) {Y}/{yy+1}", "Mitteldeutsche IT-Handel GmbH", 0, 1,
		[]string{"Landkreis Börde", "Stadt Weißenfels", "Stadt Wolmirstedt", "Verbandsgemeinde Obere Aller"}, []demoLine{
			{"HS-JABRA-EVOLVE2-65", 18900, n(100), nil, 1},
			{"CAM-LOGI-C925E", 6900, n(80), nil, 1},
		}},
	{"RV-{Y}-DR-05", "Drucker und Multifunktionsgeräte ab {Y}", "Mitteldeutsche IT-Handel GmbH", 1, 2, nil, []demoLine{
		{"DR-KYO-M3655IDN", 74900, n(120), nil, 1},
		{"DR-BRO-HL-L6410DN", 37900, nil, nil, 1},
	}},
}

func seedCatalog(ctx context.Context, tx bun.Tx, today calendar.Date) error {
	cats := map[string]int64{}
	for i, c := range demoCategories {
		c.Sort = i + 1
		if err := catalog.CreateCategory(ctx, tx, &c); err != nil {
			return fmt.Errorf("category %s: %w", c.Name, err)
		}
		cats[c.Slug] = c.ID
	}
	products := map[string]int64{}
	for _, dp := range demoProducts {
		p := dp.Product
		id, ok := cats[dp.category]
		if !ok {
			return fmt.Errorf("product %s: unknown category %s", p.SKU, dp.category)
		}
		p.CategoryID = &id
		if err := catalog.CreateProduct(ctx, tx, &p); err != nil {
			return err
		}
		products[p.SKU] = p.ID
	}
	for _, dc := range demoContracts {
		number, title, from, to := dc.in(today.Time().Year())
		c := &catalog.Contract{Number: number, Title: title, Supplier: dc.supplier,
			ValidFrom: from, ValidTo: to, AllMembers: len(dc.members) == 0, Active: true}
		for _, name := range dc.members {
			o, err := account.OrganisationByName(ctx, tx, name)
			if err != nil {
				return fmt.Errorf("contract %s member %s: %w", number, name, err)
			}
			c.Members = append(c.Members, o.ID)
		}
		for _, l := range dc.lines {
			id, ok := products[l.sku]
			if !ok {
				return fmt.Errorf("contract %s: unknown product %s", number, l.sku)
			}
			c.Lines = append(c.Lines, &catalog.ContractLine{ProductID: id, PriceCents: l.price, QuotaTotal: l.total, QuotaPerMember: l.perMember, MinQuantity: l.minQuantity})
		}
		if err := catalog.CreateContract(ctx, tx, c); err != nil {
			return err
		}
		if err := seedMemberQuotas(ctx, tx, c, products); err != nil {
			return err
		}
	}
	return nil
}

// demoMemberQuotas are the named member quotas of the pooled contract's
// lines, by SKU and member name.
var demoMemberQuotas = map[string]map[string]int64{
	"HS-JABRA-EVOLVE2-65": {"Landkreis Börde": 40, "Stadt Weißenfels": 25},
	"CAM-LOGI-C925E":      {"Landkreis Börde": 30, "Stadt Weißenfels": 20},
}

// seedMemberQuotas names the member quotas of c's lines (nothing is
// ordered yet, so the watch has nothing to say).
func seedMemberQuotas(ctx context.Context, tx bun.Tx, c *catalog.Contract, products map[string]int64) error {
	for sku, quotas := range demoMemberQuotas {
		for _, l := range c.Lines {
			if l.ProductID != products[sku] {
				continue
			}
			names := make([]string, 0, len(quotas))
			for name := range quotas {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				o, err := account.OrganisationByName(ctx, tx, name)
				if err != nil {
					return fmt.Errorf("member quota of %s: %w", name, err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO contract_line_usage (contract_line_id, organisation_id, used, quota) VALUES (?, ?, 0, ?)`,
					l.ID, o.ID, quotas[name]); err != nil {
					return fmt.Errorf("member quota of %s: %w", name, err)
				}
			}
		}
	}
	return nil
}
