package query

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"
)

// Formats lists the output formats Write knows.
var Formats = []string{"table", "csv", "json", "markdown"}

// Write renders r as format (table, csv, json or markdown). width limits an
// aligned table to a terminal's columns, truncating the widest cells; 0
// leaves it unlimited.
func Write(w io.Writer, r *Result, format string, width int) error {
	switch format {
	case "table", "":
		return writeTable(w, r, width)
	case "csv":
		return writeCSV(w, r)
	case "json":
		return writeJSON(w, r)
	case "markdown", "md":
		return writeMarkdown(w, r)
	}
	return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(Formats, ", "))
}

func writeCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		head[i] = printable(c.Name, "\n\t")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range r.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = printable(Text(v), "\n\t")
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes an array of objects, keys in column order, values typed.
func writeJSON(w io.Writer, r *Result) error {
	var b strings.Builder
	b.WriteString("[")
	for i, row := range r.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for c, v := range row {
			if c > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(r.Columns[c].Name)
			val, err := json.Marshal(jsonValue(v))
			if err != nil {
				return fmt.Errorf("column %s: %w", r.Columns[c].Name, err)
			}
			b.Write(k)
			b.WriteString(": ")
			b.Write(val)
		}
		b.WriteString("}")
	}
	if len(r.Rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range r.Columns {
		b.WriteString(" " + mdEscape(c.Name) + " |")
	}
	b.WriteString("\n|")
	for _, c := range r.Columns {
		if numeric(c.Type) {
			b.WriteString(" --: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, row := range r.Rows {
		b.WriteString("|")
		for _, v := range row {
			b.WriteString(" " + mdEscape(Text(v)) + " |")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdReplacer keeps a cell in its table row and its text as text: pipes and
// backslashes escaped, line breaks as <br>, and HTML escaped, since
// Markdown renderers pass inline HTML (<script>) through.
var mdReplacer = strings.NewReplacer(`\`, `\\`, "|", `\|`, "\r\n", "<br>", "\n", "<br>", "\r", "<br>",
	"&", "&amp;", "<", "&lt;", ">", "&gt;")

func mdEscape(s string) string { return printable(mdReplacer.Replace(strings.TrimSpace(s)), "") }

func numeric(typ string) bool {
	for _, p := range []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
		"USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL"} {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// Text renders one value for the text formats: times as RFC 3339 in UTC,
// floats rounded (see Round), lists and structs as JSON, NULL as "".
func Text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case float64:
		return formatFloat(v)
	case float32:
		return formatFloat(float64(v))
	case duckdb.Decimal:
		return formatFloat(v.Float64())
	case duckdb.Interval:
		return intervalText(v)
	case *big.Int:
		return v.String()
	case []byte:
		return fmt.Sprintf("\\x%x", v)
	case []any, map[string]any:
		b, err := json.Marshal(jsonValue(v))
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// Round keeps two decimals for values of 1 and more, three significant
// digits below: 12.35, 0.0123.
func Round(f float64) float64 {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	if math.Abs(f) >= 1 {
		return math.Round(f*100) / 100
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 3, 64), 64)
	return r
}

func formatFloat(f float64) string {
	return strconv.FormatFloat(Round(f), 'f', -1, 64)
}

func intervalText(iv duckdb.Interval) string {
	var parts []string
	if iv.Months != 0 {
		parts = append(parts, fmt.Sprintf("%d months", iv.Months))
	}
	if iv.Days != 0 {
		parts = append(parts, fmt.Sprintf("%d days", iv.Days))
	}
	if iv.Micros != 0 || len(parts) == 0 {
		parts = append(parts, (time.Duration(iv.Micros) * time.Microsecond).String())
	}
	return strings.Join(parts, " ")
}

// jsonValue converts a scanned value into one encoding/json writes as the
// matching JSON type.
func jsonValue(v any) any {
	switch v := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return Round(v)
	case float32:
		return jsonValue(float64(v))
	case duckdb.Decimal:
		return Round(v.Float64())
	case *big.Int:
		return json.Number(v.String())
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonValue(e)
		}
		return out
	}
	return Text(v)
}

// writeTable writes an aligned table with a row count under it. Numbers
// align right. When width > 0 the widest columns shrink until the table
// fits, their cells cut with "…".
func writeTable(w io.Writer, r *Result, width int) error {
	cells := make([][]string, len(r.Rows)+1)
	cells[0] = make([]string, len(r.Columns))
	for i, c := range r.Columns {
		cells[0][i] = oneLine(c.Name)
	}
	for i, row := range r.Rows {
		cells[i+1] = make([]string, len(row))
		for j, v := range row {
			cells[i+1][j] = oneLine(Text(v))
		}
	}
	// Cut long headers first, then the widest text.
	widths := fit(columnWidths(cells), valueWidths(cells), width)
	widths = fit(widths, minWidths(r.Columns, cells), width)
	var b strings.Builder
	for i, row := range cells {
		writeRow(&b, r.Columns, row, widths)
		if i == 0 {
			dashes := make([]string, len(widths))
			for j, n := range widths {
				dashes[j] = strings.Repeat("-", n)
			}
			writeRow(&b, nil, dashes, widths)
		}
	}
	noun := "rows"
	if len(r.Rows) == 1 {
		noun = "row"
	}
	fmt.Fprintf(&b, "(%d %s)\n", len(r.Rows), noun)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRow(b *strings.Builder, cols []Column, row []string, widths []int) {
	var line strings.Builder
	for j, cell := range row {
		if j > 0 {
			line.WriteString("  ")
		}
		cell = truncate(cell, widths[j])
		pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(cell))
		if cols != nil && numeric(cols[j].Type) {
			line.WriteString(pad + cell)
		} else {
			line.WriteString(cell + pad)
		}
	}
	b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
}

var lineReplacer = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

// oneLine puts s on one line of a table, with what a terminal would act
// on escaped (see printable).
func oneLine(s string) string { return printable(lineReplacer.Replace(s), "") }

func columnWidths(cells [][]string) []int {
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for j, c := range row {
			widths[j] = max(widths[j], utf8.RuneCountInString(c))
		}
	}
	return widths
}

// valueWidths are the widths of the values alone (headers cut), at least 4.
func valueWidths(cells [][]string) []int {
	w := make([]int, len(cells[0]))
	for j := range w {
		w[j] = 4
		for _, row := range cells[1:] {
			w[j] = max(w[j], utf8.RuneCountInString(row[j]))
		}
	}
	return w
}

// minWidths are the narrowest each column may get: a number is never cut
// (only its header), text keeps at least 6 characters.
func minWidths(cols []Column, cells [][]string) []int {
	mins := make([]int, len(cols))
	for j, c := range cols {
		mins[j] = 6
		if numeric(c.Type) {
			mins[j] = 1
			for _, row := range cells[1:] {
				mins[j] = max(mins[j], utf8.RuneCountInString(row[j]))
			}
		}
	}
	return mins
}

// fit shrinks the widest columns that may still shrink until the row fits
// in width (separators included); a table that cannot fit stays wider.
func fit(widths, mins []int, width int) []int {
	if width <= 0 {
		return widths
	}
	total := 2 * (len(widths) - 1)
	for _, n := range widths {
		total += n
	}
	for total > width {
		widest := -1
		for j, n := range widths {
			if n > mins[j] && (widest < 0 || n > widths[widest]) {
				widest = j
			}
		}
		if widest < 0 {
			break
		}
		widths[widest]--
		total--
	}
	return widths
}

func truncate(s string, n int) string {
	if n < 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
