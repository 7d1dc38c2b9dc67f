// Writing filters, the other way round from the lexer: a value as a string literal the lexer reads back exactly (a
// backslash escapes the next character), and the filter that keeps a given set of runs. For the faces that hand a
// set of runs to the runs table as its filter (the Sweep view's brushed runs).

/** `s` as a quoted filter string: quotes and backslashes escaped. */
export function filterString(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** The filter that keeps exactly the runs with these ids (`id in (…)`); '' for none. */
export function idsFilter(ids: readonly string[]): string {
  return ids.length ? `id in (${ids.map(filterString).join(', ')})` : '';
}
