import { parseDocument } from 'yaml';
import { flattenParams, isPlainObject } from '../flatten';
import { NO_GIT, type GitInfo, type ParamValue, type RunStatus } from '../model';
import { eventParser, isEventFileName } from './tensorboard/tensorboard';
import { TbRunState } from './tensorboard/tensorboardEvent';
import type { DirEntry, ReadContext, Reader, RunDraft, Source, TreeView } from './types';

/**
 * Guild AI runs: `<GUILD_HOME>/runs/<id>/`, whose `.guild/` folder holds one YAML file per attribute (`attrs/flags`,
 * `label`, `exit_status`, `started`/`stopped` in µs, `vcs_commit`, …), `opref` (the operation), a `LOCK` holding the
 * pid while it runs, and the output scalars as TensorBoard event files (read with the tensorboard reader's decoder).
 * Written from guildai 0.9.0's `guild/run.py` and `op_util.py`, and runs made with it.
 */
export const guildReader: Reader = {
  format: 'guild',
  detect,
  read,
};

const META = '.guild';
const ATTRS = 'attrs';

function detect(dir: string, tree: TreeView): Source[] {
  const entries = tree.list(dir);
  if (!entries?.some((e) => e.isDir && e.name === META)) return [];
  const meta = join(dir, META);
  const inner = tree.list(meta);
  // `.guild` not walked (excluded by a setting): nothing to read.
  if (!inner?.some((e) => e.isDir && e.name === ATTRS)) return [];
  const attrs = tree.list(join(meta, ATTRS)) ?? [];
  const files = [
    ...attrs.filter((e) => e.isFile).map((e) => join(meta, `${ATTRS}/${e.name}`)),
    ...inner
      .filter((e) => e.isFile && (isEventFileName(e.name) || MARKERS.includes(e.name) || e.name === 'opref'))
      .map((e) => join(meta, e.name)),
  ];
  return [{ format: 'guild', dir, path: dir, files }];
}

/** Files whose presence is a run state (guild/run.py `status`). */
const MARKERS = ['LOCK', 'LOCK.remote', 'PENDING', 'STAGED'];

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const meta = join(source.dir, META);
  const attrDir = join(meta, ATTRS);
  const names = (ctx.tree.list(attrDir) ?? []).filter((e) => e.isFile).map((e) => e.name);
  const attrs = new Map<string, unknown>();
  for (const name of names) {
    // pip_freeze and env are large and say nothing Runlens shows.
    if (name === 'pip_freeze' || name === 'env') continue;
    const text = await ctx.readText(join(attrDir, name), { optional: true });
    if (text !== undefined) attrs.set(name, attrValue(text, join(attrDir, name), ctx));
  }
  if (attrs.size === 0) {
    ctx.problem(attrDir, 'guild: no readable run attributes; not read as a Guild run', 'warning');
    return [];
  }

  const inner = ctx.tree.list(meta) ?? [];
  const run = new TbRunState();
  for (const e of inner.filter((x) => x.isFile && isEventFileName(x.name)).sort(byName)) {
    const rel = join(meta, e.name);
    await ctx.tail(rel, eventParser(rel, run, {}), source.path);
  }

  const flags = attrs.get('flags');
  const params: Record<string, ParamValue> = isPlainObject(flags) ? flattenParams(flags) : {};
  if (flags !== undefined && !isPlainObject(flags) && flags !== null)
    ctx.problem(join(attrDir, 'flags'), 'guild: flags is not a mapping; no params read', 'warning');
  const op = opName(await ctx.readText(join(meta, 'opref'), { optional: true }));
  const label = str(attrs.get('label'));
  const id = str(attrs.get('id')) ?? baseName(source.dir);
  const tags: Record<string, string> = { 'guild.id': id };
  if (op) tags['guild.op'] = op;
  if (label) tags['guild.label'] = label;
  for (const k of ['host', 'user', 'sourcecode_digest', 'vcs_commit'] as const) {
    const v = str(attrs.get(k));
    if (v) tags[`guild.${k}`] = v;
  }
  const guildTags = attrs.get('tags');
  if (Array.isArray(guildTags) && guildTags.length) tags['guild.tags'] = guildTags.map(String).join(', ');
  const exit = attrs.get('exit_status');
  if (typeof exit === 'number') tags['guild.exit_status'] = String(exit);

  return [
    {
      path: source.path,
      format: 'guild',
      name: label || (op ? `${op} ${id.slice(0, 8)}` : id),
      experiment: op ?? null,
      status: status(inner, exit),
      startTime: micros(attrs.get('started')) ?? micros(attrs.get('initialized')) ?? run.firstTime,
      endTime: micros(attrs.get('stopped')),
      git: vcsCommit(str(attrs.get('vcs_commit'))),
      params,
      tags,
      parentPath: null,
      deleted: false,
    },
  ];
}

/**
 * guild/run.py `status`: a remote lock, PENDING or STAGED marker first; then exit_status (0 completed, < 0
 * terminated, > 0 error); without one, a LOCK (holding the pid) means running, nothing at all an error. The pid is
 * not checked: it may belong to another machine, and a stale LOCK is rarer than a live one.
 */
function status(inner: readonly DirEntry[], exit: unknown): RunStatus {
  const has = (n: string): boolean => inner.some((e) => e.isFile && e.name === n);
  if (has('LOCK.remote')) return 'running';
  if (has('PENDING') || has('STAGED')) return 'unknown';
  if (typeof exit === 'number') return exit === 0 ? 'finished' : exit < 0 ? 'killed' : 'failed';
  return has('LOCK') ? 'running' : 'failed';
}

/** `vcs_commit`: `git:<sha>`, with `*` appended when the working tree had changes (op_util._format_vcs_commit). */
function vcsCommit(v: string | undefined): GitInfo {
  const m = v === undefined ? null : /^git:([0-9a-f]{7,40})(\*?)$/.exec(v.trim());
  return m ? { ...NO_GIT, commit: m[1]!, dirty: m[2] === '*' } : { ...NO_GIT };
}

/** `opref`: `guildfile:<path> <digest> '<model>' <op>` (older: `func:…`, `script:…`); the op is the last word. */
function opName(text: string | undefined): string | undefined {
  const words = text?.trim().split(/\s+/);
  const last = words?.[words.length - 1];
  return last ? last.replace(/^'|'$/g, '') || undefined : undefined;
}

/** An attribute file is one YAML document (guild/run.py `write_attr`: `yaml.safe_dump`). */
function attrValue(text: string, rel: string, ctx: ReadContext): unknown {
  try {
    const doc = parseDocument(text, { logLevel: 'silent', uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length === 0) return doc.toJS({ maxAliasCount: 1000 });
    ctx.problem(rel, `guild: attribute is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, 'warning');
  } catch (err) {
    ctx.problem(
      rel,
      `guild: attribute is not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      'warning',
    );
  }
  return undefined;
}

function micros(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v / 1000) : null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

function byName(a: DirEntry, b: DirEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
