import type { Database, SqlValue } from 'sql.js';

/** Every row of a query with bound values; the statement is freed whatever happens. */
export function selectAll(db: Database, sql: string, args: SqlValue[] = []): SqlValue[][] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(args);
    const out: SqlValue[][] = [];
    while (stmt.step()) out.push(stmt.get());
    return out;
  } finally {
    stmt.free();
  }
}
