package reports

import (
	"context"
	"fmt"

	"github.com/systemic-dev/systemic/analysis"
)

// SizeRow is review pickup and review time for one pull request size band,
// the registry's review_*_by_size_p50_hours of the window (working hours).
type SizeRow struct {
	Band           string   `json:"band"`
	N              int      `json:"n"`
	PickupP50Hours *float64 `json:"pickup_p50_hours"`
	ReviewP50Hours *float64 `json:"review_p50_hours"`
}

// reviewSizes reads the size bands of the window's run in band order.
func (m *model) reviewSizes(ctx context.Context) error {
	if m.runID == "" {
		return nil
	}
	rows, err := m.db.QueryContext(ctx, `SELECT scope, metric, value, n FROM metrics
WHERE run_id = ? AND scope_kind = 'size_band' AND period = 'all'`, m.runID)
	if err != nil {
		return fmt.Errorf("review by size: %w", err)
	}
	defer rows.Close()
	byBand := map[string]*SizeRow{}
	for rows.Next() {
		var band, metric string
		var v float64
		var n int
		if err := rows.Scan(&band, &metric, &v, &n); err != nil {
			return fmt.Errorf("review by size: %w", err)
		}
		r := byBand[band]
		if r == nil {
			r = &SizeRow{Band: band}
			byBand[band] = r
		}
		switch metric {
		case "review_pickup_by_size_p50_hours":
			r.PickupP50Hours, r.N = &v, n
		case "review_time_by_size_p50_hours":
			r.ReviewP50Hours = &v
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, b := range analysis.SizeBands {
		if r, ok := byBand[b.Name]; ok {
			m.report.Interaction.BySize = append(m.report.Interaction.BySize, *r)
		}
	}
	return nil
}
