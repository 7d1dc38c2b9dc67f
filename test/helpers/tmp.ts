import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temporary folder; remove it with `rmTemp` (tests dispose what they create). */
export function makeTemp(prefix = 'runlens-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes a file, creating its folders. */
export function put(root: string, rel: string, content: string | Uint8Array): string {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  return abs;
}

/** Bumps a file's mtime so a change within the same millisecond is still seen. */
export function touchLater(abs: string, seconds = 2): void {
  const st = fs.statSync(abs);
  const t = new Date(st.mtimeMs + seconds * 1000);
  fs.utimesSync(abs, t, t);
}
