package deferinloop

import (
	"context"
	"database/sql"
)

// tenantCounts queries once per tenant; each Rows keeps its connection busy
// until the function returns, so a long tenant list exhausts the pool.
func tenantCounts(ctx context.Context, db *sql.DB, tenants []string) (map[string]int, error) {
	counts := make(map[string]int, len(tenants))
	for _, t := range tenants {
		rows, err := db.QueryContext(ctx, "SELECT id FROM orders WHERE tenant = ?", t)
		if err != nil {
			return nil, err
		}
		defer rows.Close() // want "defer-in-loop"
		for rows.Next() {
			counts[t]++
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return counts, nil
}
