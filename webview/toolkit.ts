// The only importer of @vscode/webview-ui-toolkit: registers the components the compare view uses.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeTextField(),
  );
}

/** A toolkit button; `icon` makes it a compact icon button (text stays as its accessible name). */
export function button(label: string, opts: { title?: string; icon?: boolean; secondary?: boolean } = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  if (opts.icon) b.setAttribute('appearance', 'icon');
  else if (opts.secondary) b.setAttribute('appearance', 'secondary');
  if (opts.title) {
    b.setAttribute('title', opts.title);
    b.setAttribute('aria-label', opts.title);
  }
  b.textContent = label;
  return b;
}

/**
 * A native button styled like the toolkit's (theme variables, same sizes), for actions repeated per run, per metric
 * row or per chart: a toolkit component costs ~0.5 ms to construct (shadow DOM, styles), and 50 runs × 2 actions
 * made the header alone take 60 ms. The page's own controls stay toolkit components.
 */
export function lightButton(
  label: string,
  opts: { title?: string; icon?: boolean; secondary?: boolean } = {},
): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = opts.icon ? 'tk-button icon' : opts.secondary ? 'tk-button secondary' : 'tk-button';
  if (opts.title) {
    b.title = opts.title;
    b.setAttribute('aria-label', opts.title);
  }
  b.textContent = label;
  return b;
}

/**
 * An icon-only button showing a codicon (VS Code's own icon font, shipped in dist/ and allowed by the CSP's
 * font-src): `title` is its tooltip and its accessible name, as screen readers get nothing from the glyph.
 */
export function iconButton(name: string, title: string): HTMLButtonElement {
  const b = lightButton('', { icon: true, title });
  b.append(codicon(name));
  return b;
}

/** A codicon glyph, hidden from assistive technology (the element it sits in carries the words). */
export function codicon(name: string): HTMLElement {
  const s = document.createElement('span');
  s.className = `codicon codicon-${name}`;
  s.setAttribute('aria-hidden', 'true');
  return s;
}

export function checkbox(label: string, checked: boolean): HTMLElement & { checked: boolean } {
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  if (checked) c.setAttribute('checked', '');
  c.textContent = label;
  return c;
}

export function dropdown(
  options: ReadonlyArray<{ value: string; label: string }>,
  value: string,
  ariaLabel: string,
): HTMLElement & { value: string } {
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.setAttribute('aria-label', ariaLabel);
  for (const o of options) {
    const opt = document.createElement('vscode-option');
    opt.setAttribute('value', o.value);
    if (o.value === value) opt.setAttribute('selected', '');
    opt.textContent = o.label;
    d.appendChild(opt);
  }
  return d;
}

export function textField(placeholder: string, value: string, ariaLabel: string): HTMLElement & { value: string } {
  const t = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  t.setAttribute('placeholder', placeholder);
  t.setAttribute('aria-label', ariaLabel);
  t.setAttribute('value', value);
  return t;
}
