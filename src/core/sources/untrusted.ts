// Text and keys that come from a source — a server's answer, a host's output — are data from elsewhere: what is
// shown of them is made safe to show, and what is stored under their names is stored as data.

/**
 * The text as one line without control characters, cut at `max`: it ends in diagnostics, tooltips and a terminal,
 * and a server (or a proxy before it, or a host's login script) is not trusted to send only printable text (ANSI
 * escapes, bidi overrides).
 */
export function oneLine(text: string, max = Infinity): string {
  const t = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Sets an own property, even one named `__proto__` (a metric, param or tag name from a source is data). */
export function setOwnKey<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
