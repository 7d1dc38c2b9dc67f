// Params: flattened keys grouped by prefix; differing rows only unless asked; changed cells marked against the baseline.
import type { CompareState, ParamCell, ParamRow } from '../src/protocol';
import { formatParam } from '../src/core/compare/format';
import { h, matchesFilter } from './dom';
import { runHeading } from './header';
import { VirtualTable } from './table';

type Item = { kind: 'group'; name: string } | { kind: 'row'; row: ParamRow };

export class ParamsView {
  readonly table = new VirtualTable<Item>('params');

  /** The params the table shows (for the tab's badge, also while the table itself is not built). */
  static shown(state: CompareState, opts: { onlyDiffs: boolean; filter: string }): ParamRow[] {
    return state.params.filter((p) => (!opts.onlyDiffs || p.differs) && matchesFilter(p.key, opts.filter));
  }

  static differing(state: CompareState): number {
    return state.params.filter((p) => p.differs).length;
  }

  render(state: CompareState, opts: { onlyDiffs: boolean; filter: string }): void {
    const rows = ParamsView.shown(state, opts);
    const items: Item[] = [];
    let group: string | undefined;
    for (const row of rows) {
      if (row.group !== group && row.group !== '') items.push({ kind: 'group', name: row.group });
      group = row.group;
      items.push({ kind: 'row', row });
    }
    const columns = state.runs.length + 1;
    this.table.set({
      label: 'Params',
      columns,
      rowHeight: 26,
      items,
      head: h(
        'tr',
        null,
        h('th', { scope: 'col', class: 'corner' }, 'Param'),
        ...state.runs.map((r, i) => runHeading(r, i === state.baseline)),
      ),
      row: (it) => {
        if (it.kind === 'group')
          return h('tr', { class: 'group' }, h('th', { scope: 'rowgroup', colspan: columns }, it.name));
        const p = it.row;
        return h(
          'tr',
          { class: p.differs ? 'differs' : 'same' },
          h(
            'th',
            { scope: 'row', title: p.key, class: p.group ? 'key nested' : 'key' },
            p.group ? p.key.slice(p.group.length + 1) : p.key,
          ),
          ...p.values.map((v, i) => cell(v, p.changed[i] === true, i === state.baseline)),
        );
      },
    });
    if (!items.length)
      this.table.element.setAttribute('data-empty', opts.onlyDiffs ? 'No params differ.' : 'No params.');
    else this.table.element.removeAttribute('data-empty');
  }
}

function cell(v: ParamCell, changed: boolean, isBaseline: boolean): HTMLTableCellElement {
  const cls = [changed ? 'changed' : '', isBaseline ? 'baseline' : ''].filter(Boolean).join(' ') || null;
  if (typeof v === 'object' && v !== null)
    return h(
      'td',
      { class: `${cls ?? ''} missing`.trim(), title: 'Not set in this run' },
      h('span', { 'aria-label': 'missing' }, '—'),
    );
  const text = formatParam(v);
  const kind = v === '' ? 'empty-string' : v === null ? 'null' : typeof v;
  return h(
    'td',
    { class: `${cls ?? ''} v-${kind}`.trim(), title: typeof v === 'string' && v.length > 40 ? v : null },
    text,
  );
}
