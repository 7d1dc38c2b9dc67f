import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Loads sql.js once per process. Bundles (dist/) carry `sql-wasm.wasm` beside them; unbundled code (tests)
 * finds it in node_modules, which is sql.js's own default.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({
    locateFile: (file: string) => {
      const beside = path.join(__dirname, file);
      return fs.existsSync(beside) ? beside : require.resolve(`sql.js/dist/${file}`);
    },
  });
  // A failed load (e.g. a missing wasm file) is retried on the next call instead of being cached.
  loading.catch(() => (loading = undefined));
  return loading;
}
