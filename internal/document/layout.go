package document

// Page geometry in millimetres for A4 portrait, following DIN 5008 form B:
// address field 45 mm from the top, information block at 125 mm from the
// left, a 25 mm left and 20 mm right margin.
const (
	pageWidth   = 210.0
	marginLeft  = 25.0
	marginRight = 190.0 // x of the right margin
	textWidth   = marginRight - marginLeft

	senderLineY  = 46.0 // small return address above the recipient
	addressY     = 52.0
	addressWidth = 85.0
	infoX        = 125.0
	infoY        = 50.0
	infoLabelW   = 30.0  // at most; narrower when the labels are short
	titleMinY    = 100.0 // below the folding mark and the address window
	followTop    = 27.0  // first content line on pages after the first
	footerBottom = 287.0 // last footer line ends here; the footer grows upwards
)

// Font sizes in points.
const (
	sizeBody       = 9.5
	sizeTable      = 8.5
	sizeDetail     = 7.5
	sizeSmall      = 7.5
	sizeFooter     = 7.0
	sizeTitle      = 13.0
	sizeLetterhead = 16.0
)

// rgb is a colour; the palette is small and sober on purpose.
type rgb struct{ r, g, b int }

var (
	colorText      = rgb{33, 33, 33}
	colorMuted     = rgb{100, 100, 100}
	colorAccent    = rgb{0, 74, 128} // a municipal blue for name, title and rules
	colorHeaderBg  = rgb{229, 237, 245}
	colorRule      = rgb{205, 205, 205}
	colorWatermark = rgb{236, 236, 236}
	colorDraft     = rgb{180, 30, 30}
)

// lineHeight is the distance between baselines for a font size in points,
// in millimetres (1 pt = 0.3528 mm, 125 % leading).
func lineHeight(sizePt float64) float64 {
	return sizePt * 0.3528 * 1.25
}
