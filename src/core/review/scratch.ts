import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The one place in core that writes files (a guard test names it): a private folder under the OS's temp dir where
 * review copies run files committed to git, so the readers can read a commit's tree without a checkout. Never the
 * workspace, never the user's run files; removed when the review ends.
 */
export class Scratch {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-review-'));

  /** Writes `bytes` at `rel` (repository-relative, '/' separators) under `sub`; refuses paths that leave it. */
  write(sub: string, rel: string, bytes: Uint8Array): void {
    const abs = path.resolve(this.dir, sub, ...rel.split('/'));
    if (!abs.startsWith(this.dir + path.sep)) throw new Error(`scratch: ${rel} leaves the scratch folder`);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, bytes);
  }

  /** Creates an (empty) folder at `rel` under `sub`. */
  folder(sub: string, rel: string): void {
    const abs = path.resolve(this.dir, sub, ...rel.split('/'));
    if (abs.startsWith(this.dir + path.sep)) fs.mkdirSync(abs, { recursive: true });
  }

  path(sub: string): string {
    return path.join(this.dir, sub);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
