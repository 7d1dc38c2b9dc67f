import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { eventFileName, fileVersionEvent, scalarEvent, writeEventFile } from './tfevents';

/**
 * A Guild AI run folder as guildai 0.9.0 writes it (looked at with `guild run train lr=0.05 --label mylabel` on
 * Python 3.11): `<home>/runs/<id>/.guild/attrs/<name>` one `yaml.safe_dump` each (the `id` attr raw, without a
 * newline), `opref`, `manifest`, output scalars in `.guild/events.out.tfevents.*`, and the source code copied into
 * the run folder itself (`sourcecode: dest: .`, listed in the manifest as `s <path> <sha1> <path>`).
 */
export interface GuildRunOptions {
  id: string;
  op?: string;
  flags?: Record<string, unknown>;
  label?: string;
  /** µs since the epoch, as guild's runlib.timestamp(). */
  started?: number;
  stopped?: number;
  /** Left out while running or after a crash. */
  exitStatus?: number;
  /** Writes `.guild/LOCK` holding this pid (a running run). */
  pid?: number;
  /** `git:<sha>`, `*` appended for a dirty tree. */
  vcsCommit?: string;
  /** Output scalars: [tag, value, step]. */
  scalars?: Array<[string, number, number]>;
  /** Source files copied into the run (path → content). */
  sources?: Record<string, string>;
}

/** Writes one run under `<root>/<home>/runs/<id>`; returns its folder. */
export function writeGuildRun(root: string, home: string, o: GuildRunOptions): string {
  const dir = path.join(root, home, 'runs', o.id);
  const meta = path.join(dir, '.guild');
  const attrs = path.join(meta, 'attrs');
  fs.mkdirSync(attrs, { recursive: true });
  const attr = (name: string, v: unknown): void => fs.writeFileSync(path.join(attrs, name), stringify(v));
  fs.writeFileSync(path.join(attrs, 'id'), o.id);
  attr('flags', o.flags ?? {});
  attr('user_flags', o.flags ?? {});
  attr('label', o.label ?? '');
  attr('host', 'vm');
  attr('user', '');
  attr('initialized', (o.started ?? 1796594600650603) - 17_000_000);
  if (o.started !== undefined) attr('started', o.started);
  if (o.stopped !== undefined) attr('stopped', o.stopped);
  if (o.exitStatus !== undefined) attr('exit_status', o.exitStatus);
  if (o.vcsCommit !== undefined) attr('vcs_commit', o.vcsCommit);
  attr('sourcecode_digest', 'e37b56608dcd1a77f8b39873ff5f8a48');
  fs.writeFileSync(
    path.join(meta, 'opref'),
    `guildfile:/home/someone/project/guild.yml e606409d651a8bcd7cbf64bea9ea3b28 '' ${o.op ?? 'train'}\n`,
  );
  if (o.pid !== undefined) fs.writeFileSync(path.join(meta, 'LOCK'), String(o.pid));
  const sources = o.sources ?? {};
  const manifest: string[] = [];
  for (const [rel, content] of Object.entries(sources)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
    manifest.push(`s ${rel} ${'0'.repeat(40)} ${rel}`);
  }
  fs.writeFileSync(path.join(meta, 'manifest'), manifest.map((l) => l + '\n').join(''));
  if (o.scalars) {
    const t0 = Math.floor((o.started ?? 1796594617734106) / 1e6);
    writeEventFile(meta, eventFileName(t0, 'vm', 14871), [
      fileVersionEvent(t0),
      ...o.scalars.map(([tag, v, step]) => scalarEvent(tag, v, step, t0 + step)),
    ]);
  }
  return dir;
}
