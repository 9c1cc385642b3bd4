package document

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// The Go fonts are made for source code: their hyphen-minus (U+002D) is a
// minus sign as wide as "+", which turns "AN-2026-000045" or "E-Mail" into
// something that looks like dashes. The same fonts carry a typographic
// hyphen at U+00AD. withTextHyphen points U+002D at that glyph by giving the
// font a new Unicode cmap; the PDF still says U+002D, so copying
// "AN-2026-000045" out of the document and text extraction give a plain "-".
//
// The new cmap is appended to the font and the table directory entry is
// moved to it, so no other table moves. The original Macintosh subtable is
// dropped; PDF viewers and gofpdf use the Unicode one.

// errFont is wrapped for a TrueType file this code cannot patch.
var errFont = errors.New("unsupported TrueType font")

// withTextHyphen returns a copy of ttf whose hyphen-minus uses the glyph of
// the soft hyphen.
func withTextHyphen(ttf []byte) ([]byte, error) {
	entry, err := tableEntry(ttf, "cmap")
	if err != nil {
		return nil, err
	}
	cmapOff := int(binary.BigEndian.Uint32(ttf[entry+8:]))
	cmapLen := int(binary.BigEndian.Uint32(ttf[entry+12:]))
	if cmapOff+cmapLen > len(ttf) {
		return nil, fmt.Errorf("%w: cmap outside the file", errFont)
	}
	glyphs, err := unicodeCmap(ttf[cmapOff : cmapOff+cmapLen])
	if err != nil {
		return nil, err
	}
	hyphen, ok := glyphs[0x00AD]
	if !ok {
		return nil, fmt.Errorf("%w: no glyph for U+00AD", errFont)
	}
	glyphs['-'] = hyphen

	sub := format4(glyphs)
	cmap := make([]byte, 20, 20+len(sub))
	// version 0, two encoding records (Unicode BMP and Windows BMP), both
	// pointing at the one subtable behind the 20-byte header.
	binary.BigEndian.PutUint16(cmap[2:], 2)
	binary.BigEndian.PutUint16(cmap[4:], 0)
	binary.BigEndian.PutUint16(cmap[6:], 3)
	binary.BigEndian.PutUint32(cmap[8:], 20)
	binary.BigEndian.PutUint16(cmap[12:], 3)
	binary.BigEndian.PutUint16(cmap[14:], 1)
	binary.BigEndian.PutUint32(cmap[16:], 20)
	cmap = append(cmap, sub...)

	out := make([]byte, 0, len(ttf)+len(cmap)+8)
	out = append(out, ttf...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	newOff := len(out)
	out = append(out, cmap...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	binary.BigEndian.PutUint32(out[entry+4:], tableChecksum(out[newOff:]))
	binary.BigEndian.PutUint32(out[entry+8:], uint32(newOff))
	binary.BigEndian.PutUint32(out[entry+12:], uint32(len(cmap)))
	return out, nil
}

// tableEntry returns the offset of tag's record in the table directory.
func tableEntry(ttf []byte, tag string) (int, error) {
	if len(ttf) < 12 {
		return 0, fmt.Errorf("%w: too short", errFont)
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		e := 12 + 16*i
		if e+16 > len(ttf) {
			break
		}
		if string(ttf[e:e+4]) == tag {
			return e, nil
		}
	}
	return 0, fmt.Errorf("%w: no %s table", errFont, tag)
}

// unicodeCmap reads the Windows Unicode BMP (3,1) format 4 subtable of a
// cmap table into a code point → glyph map.
func unicodeCmap(cmap []byte) (map[uint16]uint16, error) {
	u16 := func(off int) (uint16, error) {
		if off < 0 || off+2 > len(cmap) {
			return 0, fmt.Errorf("%w: cmap truncated", errFont)
		}
		return binary.BigEndian.Uint16(cmap[off:]), nil
	}
	if len(cmap) < 4 {
		return nil, fmt.Errorf("%w: cmap truncated", errFont)
	}
	sub := -1
	for i := 0; i < int(binary.BigEndian.Uint16(cmap[2:])); i++ {
		r := 4 + 8*i
		if r+8 > len(cmap) {
			break
		}
		if binary.BigEndian.Uint16(cmap[r:]) == 3 && binary.BigEndian.Uint16(cmap[r+2:]) == 1 {
			sub = int(binary.BigEndian.Uint32(cmap[r+4:]))
		}
	}
	if sub < 0 {
		return nil, fmt.Errorf("%w: no Windows Unicode cmap", errFont)
	}
	if f, err := u16(sub); err != nil || f != 4 {
		return nil, fmt.Errorf("%w: cmap subtable format %d, want 4", errFont, f)
	}
	segX2, err := u16(sub + 6)
	if err != nil {
		return nil, err
	}
	seg := int(segX2) / 2
	ends, starts := sub+14, sub+16+2*seg
	deltas, ranges := starts+2*seg, starts+4*seg
	glyphs := make(map[uint16]uint16)
	for i := 0; i < seg; i++ {
		end, err1 := u16(ends + 2*i)
		start, err2 := u16(starts + 2*i)
		delta, err3 := u16(deltas + 2*i)
		ro, err4 := u16(ranges + 2*i)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, err
		}
		for c := uint32(start); c <= uint32(end) && c < 0xFFFF; c++ {
			var g uint16
			if ro == 0 {
				g = uint16(c) + delta
			} else {
				raw, err := u16(ranges + 2*i + int(ro) + 2*int(c-uint32(start)))
				if err != nil {
					return nil, err
				}
				if raw != 0 {
					g = raw + delta
				}
			}
			if g != 0 {
				glyphs[uint16(c)] = g
			}
		}
	}
	return glyphs, nil
}

// format4 encodes a code point → glyph map as a cmap format 4 subtable,
// one segment per run of consecutive code points with consecutive glyphs.
func format4(glyphs map[uint16]uint16) []byte {
	codes := make([]int, 0, len(glyphs))
	for c := range glyphs {
		codes = append(codes, int(c))
	}
	sort.Ints(codes)
	type segment struct{ start, end, delta uint16 }
	var segs []segment
	for _, c := range codes {
		g := glyphs[uint16(c)]
		if n := len(segs); n > 0 && int(segs[n-1].end)+1 == c && segs[n-1].delta == g-uint16(c) {
			segs[n-1].end = uint16(c)
			continue
		}
		segs = append(segs, segment{uint16(c), uint16(c), g - uint16(c)})
	}
	segs = append(segs, segment{0xFFFF, 0xFFFF, 1})

	n := len(segs)
	searchRange, entrySelector := 1, 0
	for searchRange*2 <= n {
		searchRange *= 2
		entrySelector++
	}
	searchRange *= 2
	b := make([]byte, 16+8*n)
	put := func(off int, v uint16) { binary.BigEndian.PutUint16(b[off:], v) }
	put(0, 4)
	put(2, uint16(len(b)))
	put(6, uint16(2*n))
	put(8, uint16(searchRange))
	put(10, uint16(entrySelector))
	put(12, uint16(2*n-searchRange))
	for i, s := range segs {
		put(14+2*i, s.end)
		put(16+2*n+2*i, s.start)
		put(16+4*n+2*i, s.delta)
		// idRangeOffset stays 0: glyph = code + delta.
	}
	return b
}

// tableChecksum is the TrueType table checksum of 4-byte-padded data.
func tableChecksum(data []byte) uint32 {
	var sum uint32
	for i := 0; i+4 <= len(data); i += 4 {
		sum += binary.BigEndian.Uint32(data[i:])
	}
	return sum
}
