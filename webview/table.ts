// A plain HTML table in a scroll box that renders only the rows in view once it has many (hundreds of params).
import { h, on } from './dom';

const VIRTUAL_FROM = 150;
const OVERSCAN = 12;

export interface TableSpec<T> {
  label: string;
  head: HTMLTableRowElement;
  items: readonly T[];
  /** Fixed row height in CSS px (matches the stylesheet); used to place rows when virtualised. */
  rowHeight: number;
  row(item: T, index: number): HTMLTableRowElement;
  columns: number;
}

export class VirtualTable<T> {
  readonly element: HTMLDivElement;
  private readonly table: HTMLTableElement;
  private readonly thead: HTMLTableSectionElement;
  private readonly tbody: HTMLTableSectionElement;
  private spec: TableSpec<T> | undefined;
  private window: [number, number] = [-1, -1];
  private frame = 0;

  constructor(className: string) {
    this.thead = h('thead');
    this.tbody = h('tbody');
    this.table = h('table', { class: `grid ${className}` }, this.thead, this.tbody);
    this.element = h('div', { class: 'table-scroll', tabindex: 0, role: 'region' }, this.table);
    on(this.element, 'scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get isVirtual(): boolean {
    return (this.spec?.items.length ?? 0) > VIRTUAL_FROM;
  }

  set(spec: TableSpec<T>): void {
    this.spec = spec;
    this.element.setAttribute('aria-label', spec.label);
    this.table.setAttribute('aria-rowcount', String(spec.items.length + 1));
    this.thead.replaceChildren(spec.head);
    this.window = [-1, -1];
    this.render();
  }

  private schedule(): void {
    if (!this.isVirtual || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const spec = this.spec;
    if (!spec) return;
    const n = spec.items.length;
    if (!this.isVirtual) {
      this.tbody.replaceChildren(...spec.items.map((it, i) => this.rowAt(spec, it, i)));
      return;
    }
    const top = Math.max(0, this.element.scrollTop - this.thead.offsetHeight);
    const height = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / spec.rowHeight) - OVERSCAN);
    const last = Math.min(n, Math.ceil((top + height) / spec.rowHeight) + OVERSCAN);
    if (first === this.window[0] && last === this.window[1]) return;
    this.window = [first, last];
    const rows: HTMLTableRowElement[] = [this.spacer(first * spec.rowHeight, spec.columns)];
    for (let i = first; i < last; i++) rows.push(this.rowAt(spec, spec.items[i]!, i));
    rows.push(this.spacer((n - last) * spec.rowHeight, spec.columns));
    this.tbody.replaceChildren(...rows);
  }

  private rowAt(spec: TableSpec<T>, item: T, i: number): HTMLTableRowElement {
    const r = spec.row(item, i);
    r.setAttribute('aria-rowindex', String(i + 2));
    return r;
  }

  private spacer(px: number, columns: number): HTMLTableRowElement {
    const td = h('td', { colspan: columns });
    const tr = h('tr', { class: 'spacer', 'aria-hidden': 'true' }, td);
    tr.style.height = `${px}px`;
    return tr;
  }
}
