import type { Direction } from '../compare/direction';

/** Which number of a run's metric a gate or a row reads. `best` is min or max by the metric's direction. */
export type SummaryName = 'last' | 'min' | 'max' | 'best';
export const SUMMARY_NAMES: readonly SummaryName[] = ['last', 'min', 'max', 'best'];

/** `val_loss:+2%`, `val_loss.min:+0.01`, `accuracy:-0.5%` parsed. */
export interface Gate {
  /** As written, for messages. */
  text: string;
  metric: string;
  summary: SummaryName;
  /** How far the metric may move in its worse direction: an absolute amount, or a percentage of |base|. */
  amount: number;
  relative: boolean;
  /** The worse direction the sign declared, if it had one ('+': up is worse, '-': down is worse). */
  signWorse: 'up' | 'down' | undefined;
}

/** A gate that cannot be read; the CLI turns it into a usage error (exit 2). */
export class GateSyntaxError extends Error {
  override name = 'GateSyntaxError' as const;
}

/** Parses `<metric>[.<summary>]:<threshold>`; the threshold is `[+|-]<number>[%]`. */
export function parseGate(text: string): Gate {
  const colon = text.lastIndexOf(':');
  if (colon <= 0)
    throw new GateSyntaxError(`gate "${text}" must look like <metric>[.<summary>]:<threshold>, e.g. val_loss:+2%`);
  let metric = text.slice(0, colon).trim();
  const threshold = text.slice(colon + 1).trim();
  let summary: SummaryName = 'last';
  const dot = metric.lastIndexOf('.');
  if (dot > 0 && (SUMMARY_NAMES as readonly string[]).includes(metric.slice(dot + 1))) {
    summary = metric.slice(dot + 1) as SummaryName;
    metric = metric.slice(0, dot);
  }
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?(%?)$/i.exec(threshold);
  if (!m) throw new GateSyntaxError(`gate "${text}": threshold "${threshold}" is not a number like +2%, -0.5% or 0.01`);
  const amount = Number(`${m[2]}${m[3] ? `e${m[3]}` : ''}`);
  return {
    text,
    metric,
    summary,
    amount,
    relative: m[4] === '%',
    signWorse: m[1] === '+' ? 'up' : m[1] === '-' ? 'down' : undefined,
  };
}

/**
 * The direction a gate's metric is judged in: an explicit setting wins; else the threshold's sign; else the name's
 * guess. Throws when the sign contradicts a known direction or nothing says which way is worse.
 */
export function gateDirection(gate: Gate, known: Direction | undefined): Direction {
  const fromSign: Direction | undefined =
    gate.signWorse === 'up' ? 'lower' : gate.signWorse === 'down' ? 'higher' : undefined;
  if (known && fromSign && known !== fromSign) {
    throw new GateSyntaxError(
      `gate "${gate.text}": ${gate.metric} is ${known}-is-better, so its worse direction is ${known === 'lower' ? 'up (+)' : 'down (−)'}; drop the sign or fix it`,
    );
  }
  const d = known ?? fromSign;
  if (!d)
    throw new GateSyntaxError(
      `gate "${gate.text}": nothing says whether ${gate.metric} is better low or high; add a sign (+ means up is worse) or --lower-is-better/--higher-is-better ${gate.metric}`,
    );
  return d;
}

/** How far `delta` moved in the worse direction, in the gate's unit (absolute, or % of |base|); ≤ 0 is no worse. */
export function worsening(delta: number, base: number, direction: Direction, relative: boolean): number {
  const worse = direction === 'lower' ? delta : -delta;
  if (!relative) return worse;
  if (base === 0) return worse === 0 ? 0 : worse > 0 ? Infinity : -Infinity;
  return (worse / Math.abs(base)) * 100;
}
