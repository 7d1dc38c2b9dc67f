import { ToolInputError } from './result';

/** Tool arguments come from a model: every one is checked here against what the schema promised. */
export type Args = Record<string, unknown>;

export function asArgs(v: unknown): Args {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ToolInputError('arguments must be an object');
  return v as Args;
}

export function optString(a: Args, key: string, maxLen = 1000): string | undefined {
  const v = a[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ToolInputError(`"${key}" must be a string`);
  if (v.length > maxLen) throw new ToolInputError(`"${key}" is longer than ${maxLen} characters`);
  return v;
}

export function reqString(a: Args, key: string, maxLen = 1000): string {
  const v = optString(a, key, maxLen);
  if (v === undefined || v.trim() === '') throw new ToolInputError(`"${key}" is required`);
  return v;
}

export function optInt(a: Args, key: string, min: number, max: number, dflt: number): number {
  const v = a[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ToolInputError(`"${key}" must be an integer`);
  if (v < min || v > max) throw new ToolInputError(`"${key}" must be between ${min} and ${max}`);
  return v;
}

export function optBool(a: Args, key: string, dflt: boolean): boolean {
  const v = a[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new ToolInputError(`"${key}" must be true or false`);
  return v;
}

export function optEnum<T extends string>(a: Args, key: string, values: readonly T[]): T | undefined {
  const v = optString(a, key);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v))
    throw new ToolInputError(`"${key}" must be one of ${values.join(', ')}`);
  return v as T;
}

export function stringList(a: Args, key: string, min: number, max: number): string[] {
  const v = a[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length > 1000))
    throw new ToolInputError(`"${key}" must be a list of strings`);
  if (v.length < min || v.length > max) throw new ToolInputError(`"${key}" must hold ${min} to ${max} items`);
  return v as string[];
}
