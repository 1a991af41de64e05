package sqlrowsnotclosed

import (
	"context"
	"database/sql"
	"net/url"
)

// The classic: defer right after the error check.
func emails(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT email FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Iterated to the end: Next returning false closes the rows (database/sql docs).
func count(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT 1 FROM t")
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// Returned to the caller.
func openCursor(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	rows, err := db.QueryContext(ctx, "SELECT id FROM big")
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// Rollback deferred, Commit at the end: every path ends the transaction.
func move(ctx context.Context, db *sql.DB, id int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM a WHERE id = ?", id); err != nil {
		return err
	}
	return tx.Commit()
}

// Statement stored in a struct that closes it.
type store struct {
	insert *sql.Stmt
}

func newStore(db *sql.DB) (*store, error) {
	stmt, err := db.Prepare("INSERT INTO t(v) VALUES(?)")
	if err != nil {
		return nil, err
	}
	return &store{insert: stmt}, nil
}

func (s *store) Close() error { return s.insert.Close() }

// Closed in a helper of the package.
func closeRows(r *sql.Rows) { _ = r.Close() }

func maxID(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT max(id) FROM t")
	if err != nil {
		return 0, err
	}
	defer closeRows(rows)
	var id int
	if rows.Next() {
		err = rows.Scan(&id)
	}
	return id, err
}

// Connection closed on both branches.
func ping(ctx context.Context, db *sql.DB, deep bool) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	if deep {
		err = conn.PingContext(ctx)
		conn.Close()
		return err
	}
	return conn.Close()
}

// url.Values.Query-like methods with no arguments are not database queries.
func rawQuery(u *url.URL) string {
	q := u.Query()
	return q.Encode()
}
