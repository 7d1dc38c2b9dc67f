/** Help line for `query --timeout`, kept next to the code that reads it. */
export const TIMEOUT_HELP = `  --timeout <s>      query: stop the query after this many seconds (default 30; exit code 4)`;

export const DEFAULT_QUERY_TIMEOUT_S = 30;

/** The --timeout value in seconds, or an error message for a value that is not a positive number. */
export function parseTimeout(value: string | undefined): number | string {
  if (value === undefined) return DEFAULT_QUERY_TIMEOUT_S;
  const s = Number(value);
  return Number.isFinite(s) && s > 0 ? s : `--timeout must be a positive number of seconds (got ${value})`;
}
