import type { ParamValue } from './model';

/**
 * Flattens a parsed config (YAML/JSON) into params: nested keys joined with ".", lists as compact JSON text
 * (`[1,2]`), scalars keep their type. An empty mapping yields nothing.
 */
export function flattenParams(
  value: unknown,
  prefix = '',
  out: Record<string, ParamValue> = {},
): Record<string, ParamValue> {
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
    }
    return out;
  }
  if (prefix === '') return out;
  // defineProperty, not assignment: a config key named "__proto__" is data, not the object's prototype.
  Object.defineProperty(out, prefix, {
    value: toParamValue(value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return out;
}

/** One config value as a param: lists and other non-scalars become compact JSON text. */
export function toParamValue(value: unknown): ParamValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    default:
      if (value instanceof Date) return value.toISOString();
      try {
        return JSON.stringify(value) ?? null;
      } catch {
        return String(value);
      }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
