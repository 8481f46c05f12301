package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"time"
)

// makePDF writes a small but structurally valid PDF (catalog, pages, Helvetica
// text, correct xref offsets) with one line of text per entry of lines.
func makePDF(title string, created time.Time, lines []string) []byte {
	const perPage = 48
	pdfStr := func(s string) string {
		s = asciiFold(s)
		return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s)
	}
	var pages [][]string
	for len(lines) > perPage {
		pages = append(pages, lines[:perPage])
		lines = lines[perPage:]
	}
	pages = append(pages, lines)

	var objs []string
	// 1 catalog, 2 pages, 3 font, 4 info, then (page, content) pairs.
	nPages := len(pages)
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 5+2*i))
	}
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>")
	objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), nPages))
	objs = append(objs, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	objs = append(objs, fmt.Sprintf("<< /Title (%s) /Producer (Lumen demogen) /CreationDate (D:%s) >>",
		pdfStr(title), created.UTC().Format("20060102150405Z")))
	for i, pl := range pages {
		var cs strings.Builder
		y := 790
		if i == 0 {
			fmt.Fprintf(&cs, "BT /F1 16 Tf 56 %d Td (%s) Tj ET\n", y, pdfStr(title))
			y -= 30
		}
		for _, l := range pl {
			fmt.Fprintf(&cs, "BT /F1 10 Tf 56 %d Td (%s) Tj ET\n", y, pdfStr(l))
			y -= 15
		}
		fmt.Fprintf(&cs, "BT /F1 8 Tf 280 30 Td (%d / %d) Tj ET\n", i+1, nPages)
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 6+2*i))
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", cs.Len(), cs.String()))
	}
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return buf.Bytes()
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func encodeJPEG(img image.Image, q int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func fillRect(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if image.Pt(x, y).In(img.Rect) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// makeChartPNG draws a bar chart with the given values (0..1).
func makeChartPNG(r *rng, w, h int, values []float64) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillRect(img, 0, 0, w, h, color.RGBA{255, 255, 255, 255})
	grid := color.RGBA{230, 232, 236, 255}
	for y := h - 20; y > 10; y -= 20 {
		fillRect(img, 30, y, w-10, y+1, grid)
	}
	fillRect(img, 30, 10, 31, h-20, color.RGBA{120, 120, 130, 255})
	fillRect(img, 30, h-20, w-10, h-19, color.RGBA{120, 120, 130, 255})
	palette := []color.RGBA{{52, 120, 246, 255}, {255, 149, 0, 255}, {52, 199, 89, 255}, {175, 82, 222, 255}}
	bw := (w - 50) / len(values)
	for i, v := range values {
		bh := int(v * float64(h-40))
		x := 40 + i*bw
		fillRect(img, x, h-20-bh, x+bw-6, h-20, palette[i%len(palette)])
	}
	// a little noise in the background so the PNG compresses like a real one
	for i := 0; i < w*h/40; i++ {
		x, y := r.intn(w), r.intn(h)
		c := img.RGBAAt(x, y)
		if c.R == 255 && c.G == 255 {
			img.SetRGBA(x, y, color.RGBA{250, 250, 252, 255})
		}
	}
	return encodePNG(img)
}

// makeMockupPNG draws a webmail wireframe: sidebar, message list, reading pane.
func makeMockupPNG(r *rng, w, h int, accent color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillRect(img, 0, 0, w, h, color.RGBA{248, 249, 251, 255})
	fillRect(img, 0, 0, w, 28, accent)
	fillRect(img, 0, 28, w/5, h, color.RGBA{236, 239, 244, 255})
	for i := 0; i < 9; i++ {
		y := 44 + i*22
		fillRect(img, 12, y, 12+r.between(40, w/5-24), y+8, color.RGBA{170, 178, 190, 255})
	}
	listX := w/5 + 1
	fillRect(img, listX, 28, listX+1, h, color.RGBA{210, 214, 220, 255})
	for i := 0; (i+1)*38+28 < h; i++ {
		y := 28 + i*38
		if i == 2 {
			fillRect(img, listX+1, y, w/2, y+38, color.RGBA{accent.R/2 + 120, accent.G/2 + 120, accent.B/2 + 120, 255})
		}
		fillRect(img, listX+10, y+8, listX+10+r.between(60, 120), y+14, color.RGBA{60, 64, 72, 255})
		fillRect(img, listX+10, y+20, listX+10+r.between(90, w/2-listX-30), y+25, color.RGBA{150, 156, 166, 255})
		fillRect(img, listX, y+37, w/2, y+38, color.RGBA{226, 229, 234, 255})
	}
	fillRect(img, w/2, 28, w/2+1, h, color.RGBA{210, 214, 220, 255})
	fillRect(img, w/2+16, 44, w-40, 54, color.RGBA{40, 44, 52, 255})
	for i := 0; 80+i*14 < h-20; i++ {
		fillRect(img, w/2+16, 80+i*14, w/2+16+r.between(w/4, w/2-40), 86+i*14, color.RGBA{180, 186, 196, 255})
	}
	return encodePNG(img)
}

// makePhotoJPEG paints a small landscape "photo": sky gradient, sun, hills,
// and sensor noise.
func makePhotoJPEG(r *rng, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sunX, sunY := float64(r.between(w/5, 4*w/5)), float64(r.between(h/8, h/3))
	phase := r.float() * 6
	warm := r.float()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fy := float64(y) / float64(h)
			cr := 90 + 120*fy + 60*warm
			cg := 150 + 60*fy
			cb := 235 - 40*fy
			d := math.Hypot(float64(x)-sunX, float64(y)-sunY)
			if d < 18 {
				cr, cg, cb = 255, 240, 200
			} else if d < 60 {
				k := (60 - d) / 60
				cr += 80 * k
				cg += 60 * k
			}
			hill := float64(h)*0.62 + 18*math.Sin(float64(x)/37+phase) + 9*math.Sin(float64(x)/13)
			if float64(y) > hill {
				depth := (float64(y) - hill) / float64(h)
				cr, cg, cb = 60+80*depth, 110+60*depth-30*warm, 50+30*depth
			}
			n := float64(r.intn(17)) - 8
			img.SetRGBA(x, y, color.RGBA{clamp8(cr + n), clamp8(cg + n), clamp8(cb + n), 255})
		}
	}
	return encodeJPEG(img, 72)
}

func clamp8(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// makeZip builds a zip archive with fixed timestamps.
func makeZip(modified time.Time, files ...[2]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f[0], Method: zip.Deflate, Modified: modified.UTC()})
		if err != nil {
			panic(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// icsEvent renders a VCALENDAR with one VEVENT (CRLF lines, folded at 75 octets).
func icsEvent(method, uid, summary, location, description string, start, end time.Time, organizer *person, attendees []*person, stamp time.Time) string {
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	esc := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`)
	add("BEGIN:VCALENDAR")
	add("PRODID:-//Lumen Systems//Lumen Calendar 4.2//EN")
	add("VERSION:2.0")
	add("CALSCALE:GREGORIAN")
	add("METHOD:" + method)
	add("BEGIN:VEVENT")
	add("UID:" + uid)
	add("DTSTAMP:" + stamp.UTC().Format("20060102T150405Z"))
	add("DTSTART:" + start.UTC().Format("20060102T150405Z"))
	add("DTEND:" + end.UTC().Format("20060102T150405Z"))
	add("SUMMARY:" + esc.Replace(summary))
	if location != "" {
		add("LOCATION:" + esc.Replace(location))
	}
	if description != "" {
		add("DESCRIPTION:" + esc.Replace(description))
	}
	add(fmt.Sprintf("ORGANIZER;CN=%q:mailto:%s", organizer.name, organizer.addr))
	for _, a := range attendees {
		add(fmt.Sprintf("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=%q:mailto:%s", a.name, a.addr))
	}
	add("SEQUENCE:0")
	add("STATUS:CONFIRMED")
	add("BEGIN:VALARM")
	add("ACTION:DISPLAY")
	add("DESCRIPTION:Reminder")
	add("TRIGGER:-PT15M")
	add("END:VALARM")
	add("END:VEVENT")
	add("END:VCALENDAR")
	var sb strings.Builder
	for _, l := range lines {
		// fold at 75 octets without splitting UTF-8 sequences
		for len(l) > 75 {
			n := 75
			for n > 0 && l[n]&0xC0 == 0x80 {
				n--
			}
			sb.WriteString(l[:n] + "\r\n ")
			l = l[n:]
		}
		sb.WriteString(l + "\r\n")
	}
	return sb.String()
}
