package reports

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
)

// Small hand-written SVG charts. Every builder is deterministic (fixed
// number formats, input order) and escapes every piece of text it draws.

// BucketColors colour the review-wait buckets from quick to slow.
var BucketColors = []string{"#1b7f3b", "#7cb342", "#f2b705", "#e8710a", "#b3261e"}

type svg struct {
	b    strings.Builder
	w, h float64
}

func newSVG(w, h float64, label string) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" style="max-width:100%%;height:auto" role="img" aria-label="%s">`,
		w, h, w, html.EscapeString(label))
	return s
}

func (s *svg) raw(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func (s *svg) rect(x, y, w, h float64, fill string) {
	s.raw(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, y, math.Max(w, 0), math.Max(h, 0), fill)
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, dash bool) {
	d := ""
	if dash {
		d = ` stroke-dasharray="6 4"`
	}
	s.raw(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"%s/>`, x1, y1, x2, y2, stroke, width, d)
}

// text draws escaped text; anchor is start, middle or end.
func (s *svg) text(x, y float64, size float64, anchor, fill, t string) {
	s.raw(`<text x="%.1f" y="%.1f" font-size="%.0f" text-anchor="%s" fill="%s">%s</text>`, x, y, size, anchor, fill, html.EscapeString(t))
}

func (s *svg) String() string { return s.b.String() + "</svg>" }

// FanChart draws a goal's forecast as a burn-down fan: remaining items
// falling to zero between the P10 and P95 dates (light) and the P50 and
// P85 dates (dark), against a dashed due-date line.
func FanChart(f *Forecast, due string) string {
	if f == nil {
		return ""
	}
	const w, h, left, right, top, bottom = 1080.0, 230.0, 56.0, 30.0, 34.0, 56.0
	asOf, _ := time.Parse(time.DateOnly, f.AsOf)
	end, _ := time.Parse(time.DateOnly, f.P95)
	dueT, dueErr := time.Parse(time.DateOnly, due)
	if dueErr == nil && dueT.After(end) {
		end = dueT
	}
	end = end.AddDate(0, 0, 7)
	span := end.Sub(asOf).Hours()
	x := func(d string) float64 {
		t, _ := time.Parse(time.DateOnly, d)
		return left + (w-left-right)*t.Sub(asOf).Hours()/span
	}
	y0, y1 := top, h-bottom
	s := newSVG(w, h, fmt.Sprintf("Forecast: 50%% by %s, 85%% by %s, due %s", f.P50, f.P85, due))
	s.line(left, y1, w-right, y1, "#333", 1.5, false)
	s.line(left, y0, left, y1, "#333", 1.5, false)
	s.text(left-8, y0+6, 18, "end", "#222", fmt.Sprint(f.Remaining))
	s.text(left-8, y1, 18, "end", "#222", "0")
	s.raw(`<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="#c9d7f2"/>`, left, y0, x(f.P10), y1, x(f.P95), y1)
	s.raw(`<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="#5b84d6"/>`, left, y0, x(f.P50), y1, x(f.P85), y1)
	s.line(left, y0, x(f.P50), y1, "#1a3d8f", 2.5, false)
	s.text(left, h-8, 18, "start", "#222", f.AsOf)
	s.text(x(f.P50), y1+24, 18, "middle", "#1a3d8f", "P50 "+f.P50[5:])
	if f.P85 != f.P50 {
		s.text(x(f.P85), y1+46, 18, "middle", "#1a3d8f", "P85 "+f.P85[5:])
	}
	if dueErr == nil {
		dx := x(due)
		s.line(dx, y0-8, dx, y1, "#b3261e", 3, true)
		s.text(dx, y0-14, 18, "middle", "#b3261e", "due "+due[5:])
	}
	return s.String()
}

// ReviewWaitChart draws one 100% stacked bar per reviewing team: how many
// review requests were picked up within 4h, a day, three days, a week, or
// later.
func ReviewWaitChart(rw []ReviewWaits) string {
	if len(rw) == 0 {
		return ""
	}
	const w, left, right, bar, gap = 900.0, 170.0, 80.0, 34.0, 16.0
	h := 60 + float64(len(rw))*(bar+gap)
	s := newSVG(w, h, "Review pickup waits per reviewing team")
	for i, b := range WaitBuckets {
		lx := left + float64(i)*130
		s.rect(lx, 8, 18, 18, BucketColors[i])
		s.text(lx+24, 23, 16, "start", "#222", b)
	}
	for i, r := range rw {
		y := 44 + float64(i)*(bar+gap)
		s.text(left-10, y+bar/2+6, 18, "end", "#111", r.Team)
		x := left
		for k, n := range r.Buckets {
			bw := (w - left - right) * float64(n) / float64(max(r.N, 1))
			s.rect(x, y, bw, bar, BucketColors[k])
			if bw > 30 {
				s.text(x+bw/2, y+bar/2+6, 16, "middle", textOn(k), fmt.Sprint(n))
			}
			x += bw
		}
		s.text(w-right+8, y+bar/2+6, 16, "start", "#222", fmt.Sprintf("n=%d", r.N))
	}
	return s.String()
}

func textOn(bucket int) string {
	if bucket == 2 || bucket == 1 {
		return "#111"
	}
	return "#fff"
}

// HeatmapChart draws team x team waits: rows wait, columns are waited on;
// darker is longer in total.
func HeatmapChart(pairs []PairWait, perDay float64) string {
	if len(pairs) == 0 {
		return ""
	}
	teams := teamsOf(pairs, func(p PairWait) []string { return []string{p.Waiting, p.Blocking} })
	const cell, left, top = 110.0, 170.0, 70.0
	n := float64(len(teams))
	s := newSVG(left+n*cell+20, top+n*cell+20, "Dependency waits between teams")
	s.text(left+n*cell/2, 20, 16, "middle", "#222", "waiting on →")
	maxH := 0.0
	hours := map[[2]string]PairWait{}
	for _, p := range pairs {
		hours[[2]string{p.Waiting, p.Blocking}] = p
		maxH = math.Max(maxH, p.Hours)
	}
	for i, t := range teams {
		s.text(left+float64(i)*cell+cell/2, top-12, 17, "middle", "#111", t)
		s.text(left-10, top+float64(i)*cell+cell/2+6, 17, "end", "#111", t)
	}
	for i, wt := range teams {
		for j, bt := range teams {
			x, y := left+float64(j)*cell, top+float64(i)*cell
			p, ok := hours[[2]string{wt, bt}]
			fill := "#f3f3f3"
			if i == j {
				fill = "#e0e0e0"
			} else if ok && maxH > 0 {
				fill = heat(p.Hours / maxH)
			}
			s.raw(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#fff" stroke-width="3"/>`, x, y, cell, cell, fill)
			if ok && i != j {
				c := "#111"
				if p.Hours/maxH > 0.5 {
					c = "#fff"
				}
				s.text(x+cell/2, y+cell/2, 18, "middle", c, fmt.Sprintf("%.1f wd", p.Hours/perDay))
				s.text(x+cell/2, y+cell/2+22, 14, "middle", c, plural(p.Items, "item", "items"))
			}
		}
	}
	return s.String()
}

// heat maps 0..1 onto light amber .. dark red.
func heat(v float64) string {
	lo, hi := [3]float64{0xfd, 0xe6, 0xb8}, [3]float64{0x8e, 0x16, 0x0f}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(lo[i] + (hi[i]-lo[i])*v))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// SprintChart draws committed (outline) against completed (filled) per
// sprint, grouped by team.
func SprintChart(rows []SprintRow) string {
	if len(rows) == 0 {
		return ""
	}
	const h, top, bottom, slot, bar = 280.0, 44.0, 74.0, 62.0, 30.0
	w := 60 + float64(len(rows))*slot + 40
	maxV := 1
	for _, r := range rows {
		maxV = max(maxV, r.Committed+r.Added, r.Completed)
	}
	y := func(v int) float64 { return h - bottom - (h-top-bottom)*float64(v)/float64(maxV) }
	s := newSVG(w, h, "Sprint commitment against completion")
	s.rect(60, 8, 18, 18, "#1f5fbf")
	s.text(84, 23, 15, "start", "#222", "completed")
	s.raw(`<rect x="190" y="8" width="18" height="18" fill="none" stroke="#333" stroke-width="2"/>`)
	s.text(214, 23, 15, "start", "#222", "committed")
	s.line(50, h-bottom, w-20, h-bottom, "#333", 1.5, false)
	prev := ""
	for i, r := range rows {
		x := 60 + float64(i)*slot
		if r.Team != prev {
			s.text(x, h-12, 18, "start", "#111", r.Team)
			if i > 0 {
				s.line(x-8, top, x-8, h-bottom+50, "#999", 1, true)
			}
			prev = r.Team
		}
		s.rect(x+4, y(r.Completed), bar, h-bottom-y(r.Completed), "#1f5fbf")
		s.raw(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#333" stroke-width="2"/>`,
			x+4, y(r.Committed), bar, h-bottom-y(r.Committed))
		s.text(x+4+bar/2, y(max(r.Committed, r.Completed))-6, 16, "middle", "#222", fmt.Sprintf("%d/%d", r.Completed, r.Committed))
		s.text(x+4+bar/2, h-bottom+22, 15, "middle", "#444", r.End[5:])
	}
	return s.String()
}

// Sparkline draws values (nil: no data that period) as a small line with
// the last point marked.
func Sparkline(values []*float64) string {
	const w, h, pad = 130.0, 36.0, 5.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v != nil {
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
		}
	}
	s := newSVG(w, h, "trend")
	if math.IsInf(lo, 0) {
		return s.String()
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	step := (w - 2*pad) / float64(max(len(values)-1, 1))
	var pts []string
	var lx, ly float64
	for i, v := range values {
		if v == nil {
			continue
		}
		lx, ly = pad+float64(i)*step, h-pad-(h-2*pad)*(*v-lo)/(hi-lo)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", lx, ly))
	}
	s.raw(`<polyline points="%s" fill="none" stroke="#1a3d8f" stroke-width="3"/>`, strings.Join(pts, " "))
	s.raw(`<circle cx="%.1f" cy="%.1f" r="4.5" fill="#1a3d8f"/>`, lx, ly)
	return s.String()
}
