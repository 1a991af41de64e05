// Package sqlrowsnotclosed holds labelled cases for the sql-rows-not-closed rule.
package sqlrowsnotclosed

import (
	"context"
	"database/sql"
	"errors"
)

// Scan error returns from inside the loop with the rows open.
func names(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users") // want "sql-rows-not-closed"
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Only the first row is wanted: the rest stay open.
func firstID(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT id FROM users") // want "sql-rows-not-closed"
	if err != nil {
		return 0, err
	}
	var id int
	if rows.Next() {
		err = rows.Scan(&id)
	}
	return id, err
}

// A break out of the loop skips the automatic close.
func untilNegative(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT v FROM t") // want "sql-rows-not-closed"
	if err != nil {
		return 0, err
	}
	sum := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil || v < 0 {
			break
		}
		sum += v
	}
	return sum, nil
}

// A transaction neither committed nor rolled back on the error path.
func transfer(ctx context.Context, db *sql.DB, from, to int) error {
	tx, err := db.BeginTx(ctx, nil) // want "sql-rows-not-closed"
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE a SET b = b - 1 WHERE id = ?", from); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE a SET b = b + 1 WHERE id = ?", to); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// A prepared statement never closed.
func insertAll(db *sql.DB, vals []int) error {
	stmt, err := db.Prepare("INSERT INTO t(v) VALUES(?)") // want "sql-rows-not-closed"
	if err != nil {
		return err
	}
	for _, v := range vals {
		if _, err := stmt.Exec(v); err != nil {
			return err
		}
	}
	return nil
}

// A dedicated connection kept after use.
func withConn(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx) // want "sql-rows-not-closed"
	if err != nil {
		return err
	}
	return conn.PingContext(ctx)
}

var errNoRows = errors.New("no rows")

// The rows of a query issued in a transaction, left open when empty.
func lastValue(ctx context.Context, tx *sql.Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT v FROM t ORDER BY id DESC") // want "sql-rows-not-closed"
	if err != nil {
		return 0, err
	}
	if !rows.Next() {
		return 0, errNoRows
	}
	var v int
	err = rows.Scan(&v)
	rows.Close()
	return v, err
}

// Begin with the transaction discarded.
func begin(db *sql.DB) error {
	_, err := db.Begin() // want "sql-rows-not-closed"
	return err
}
