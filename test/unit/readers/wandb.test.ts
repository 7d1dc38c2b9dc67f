import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Indexer } from '../../../src/core/index/indexer';
import type { Diagnostic, Run } from '../../../src/core/model';
import { wandbReader } from '../../../src/core/readers/wandb/wandb';
import { makeTemp, put, rmTemp, touchLater } from '../../helpers/tmp';
import {
  configYamlCore,
  configYamlLegacy,
  items,
  logOf,
  rec,
  WandbLogWriter,
  writeWandbRun,
  type Item,
} from '../../helpers/writers/wandb';

const T0 = Date.UTC(2024, 4, 1, 12, 34, 56, 789);
const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A wandb-core history row: nested_key items plus `_step`, `_timestamp`, `_runtime`. */
function row(step: number, values: Record<string, unknown>, tsMs = T0 + 1000 * (step + 1)): Uint8Array {
  const its: Item[] = [
    ...items(values, true),
    { nested: ['_runtime'], json: String((tsMs - T0) / 1000) },
    { nested: ['_step'], json: String(step) },
    { nested: ['_timestamp'], json: String(tsMs / 1000) },
  ];
  return rec.history(its, step);
}

function old(abs: string): void {
  const t = new Date(Date.now() - 24 * 3600 * 1000);
  fs.utimesSync(abs, t, t);
}

describe('wandb reader', () => {
  let root: string;
  beforeEach(() => {
    root = makeTemp('runlens-wandb-');
  });
  afterEach(() => rmTemp(root));

  const indexer = (): Indexer => new Indexer(root, { readers: [wandbReader] });
  const scan = async (
    ix = indexer(),
  ): Promise<{ runs: Run[]; diagnostics: Diagnostic[]; byPath: Map<string, Run> }> => {
    await ix.indexAll();
    const runs = ix.runs();
    return { runs, diagnostics: ix.diagnostics(), byPath: new Map(runs.map((r) => [r.path, r])) };
  };

  it('reads a wandb-core online run: log history, config.yaml, summary, metadata, diff.patch', async () => {
    const log = logOf([
      rec.numbered(1, rec.header()),
      rec.numbered(
        2,
        rec.run({
          runId: 'ab12cd34',
          entity: 'me',
          project: 'mnist',
          name: 'brisk-fog-7',
          tags: ['baseline'],
          notes: 'first try',
          group: 'g1',
          startMs: T0,
          git: { remote: 'https://github.com/o/r.git', commit: SHA },
          config: [
            { key: '_wandb', json: '{}' },
            { key: 'lr', json: '0.001' },
          ],
        }),
      ),
      rec.numbered(3, rec.config([{ nested: ['model'], json: '{"layers": [64, 32], "dropout": 0.1}' }])),
      rec.numbered(4, row(0, { loss: 0.9, acc: 0.5, train: { a: 1 } })),
      rec.numbered(5, rec.summary(items({ loss: 0.9, acc: 0.5 }, true))),
      rec.numbered(6, rec.stats(T0 + 1500, { cpu: 12.5 })),
      rec.numbered(7, row(1, { loss: 0.4, acc: 0.7, train: { a: 2 } })),
      rec.numbered(8, row(2, { loss: 0.6, acc: NaN, train: { a: 3 } })),
      rec.numbered(
        9,
        rec.summary([
          { nested: ['loss', 'min'], json: '0.4' },
          ...items({ best_acc: 0.7, epoch_name: 'x' }, true),
          { nested: ['_step'], json: '2' },
        ]),
      ),
      rec.numbered(10, rec.exit(0, 30)),
      rec.numbered(11, rec.final()),
      rec.numbered(12, rec.footer()),
    ]);
    const rel = writeWandbRun(root, {
      id: 'ab12cd34',
      log,
      files: {
        'config.yaml': configYamlCore({
          _wandb: { cli_version: '0.19.1', m: [] },
          lr: 0.001,
          model: { layers: [64, 32], dropout: 0.1 },
          batch_size: 64,
          flag: true,
        }),
        'wandb-summary.json':
          '{"loss": 0.6, "acc": NaN, "best_acc": 0.7, "_step": 2, "_runtime": 3, "_timestamp": 1714566899.789, "_wandb": {"runtime": 3}}',
        'wandb-metadata.json': JSON.stringify(
          {
            startedAt: '2024-05-01T12:34:56.000000Z',
            git: { remote: 'git@other:x.git', commit: 'f'.repeat(40) },
            program: 'train.py',
            codePath: 'src/train.py',
          },
          null,
          2,
        ),
        'diff.patch': 'diff --git a/x b/x\n',
        'output.log': 'hello\n',
        'requirements.txt': 'torch\n',
      },
    });
    const { runs, diagnostics } = await scan();
    assert.deepEqual(diagnostics, []);
    assert.equal(runs.length, 1);
    const r = runs[0]!;
    assert.equal(r.format, 'wandb');
    assert.equal(r.path, rel);
    assert.equal(rel, 'wandb/run-20240501_123456-ab12cd34');
    assert.equal(r.name, 'brisk-fog-7');
    assert.equal(r.experiment, 'mnist');
    assert.equal(r.status, 'finished');
    assert.equal(r.startTime, T0);
    assert.equal(r.endTime, T0 + 3000);
    assert.deepEqual(r.git, { commit: SHA, branch: null, dirty: true, remote: 'https://github.com/o/r.git' });
    assert.deepEqual(r.params, {
      lr: 0.001,
      'model.layers': '[64,32]',
      'model.dropout': 0.1,
      batch_size: 64,
      flag: true,
    });
    assert.deepEqual(r.metrics['loss'], { last: 0.6, lastStep: 2, min: 0.4, max: 0.9, count: 3 });
    assert.equal(r.metrics['acc']!.count, 3);
    assert.ok(Number.isNaN(r.metrics['acc']!.last));
    assert.equal(r.metrics['acc']!.max, 0.7);
    assert.deepEqual(r.metrics['train.a'], { last: 3, lastStep: 2, min: 1, max: 3, count: 3 });
    // Known only from the summary: one point at the summary's `_step`. `loss.min` belongs to `loss`.
    assert.deepEqual(r.metrics['best_acc'], { last: 0.7, lastStep: 2, min: 0.7, max: 0.7, count: 1 });
    assert.deepEqual(Object.keys(r.metrics).sort(), ['acc', 'best_acc', 'loss', 'train.a']);
    assert.equal(r.tags['baseline'], '');
    assert.equal(r.tags['wandb.notes'], 'first try');
    assert.equal(r.tags['wandb.group'], 'g1');
    assert.equal(r.tags['wandb.runId'], 'ab12cd34');
    assert.equal(r.tags['wandb.codePath'], 'src/train.py');
  });

  it('reads a Python-client (0.10) run: key items, media in history, summary-only metric, legacy config.yaml', async () => {
    const media =
      '{"_type": "image-file", "path": "media/images/cm_0_f02d.png", "sha256": "f02d", "size": 92425, "format": "png", "width": 1000, "height": 1000}';
    const log = logOf([
      rec.header(),
      rec.run({
        runId: 'x6cwgh9m',
        project: 'exercise_14',
        startMs: Date.UTC(2021, 7, 14, 16, 24, 54),
        config: [{ key: '_wandb', json: '{}' }],
      }),
      rec.files(['wandb-metadata.json']),
      rec.config([
        { key: 'features', json: '{"categorical": ["time_signature", "key"]}' },
        { key: 'export_artifact', json: '"model_export"' },
      ]),
      rec.history(
        [
          { key: 'confusion_matrix', json: media },
          { key: '_runtime', json: '30' },
          { key: '_timestamp', json: '1628958324' },
          { key: '_step', json: '0' },
        ],
        0,
      ),
      rec.telemetry(),
      rec.exit(0),
      rec.summary([
        { key: 'AUC', json: '0.9541925810683027' },
        { key: 'confusion_matrix', json: media },
        { key: '_runtime', json: '30' },
        { key: '_timestamp', json: '1628958324' },
        { key: '_step', json: '0' },
      ]),
      rec.final(),
      rec.footer(),
    ]);
    writeWandbRun(root, {
      wandbDir: 'random_forest/wandb',
      timespec: '20210814_182718',
      id: 'x6cwgh9m',
      log,
      files: {
        'config.yaml': configYamlLegacy({
          _wandb: { cli_version: '0.10.21' },
          export_artifact: 'model_export',
          features: { categorical: ['time_signature', 'key'] },
          random_forest: { max_depth: 13, ccp_alpha: 0.0, n_jobs: null },
        }),
        'wandb-summary.json':
          '{"AUC": 0.9541925810683027, "confusion_matrix": ' +
          media +
          ', "_runtime": 30, "_timestamp": 1628958324, "_step": 0}',
        'wandb-metadata.json': JSON.stringify({
          startedAt: '2021-08-14T16:24:54.299700',
          state: 'running',
          git: { remote: 'https://github.com/1ayham1/genre_classification.git', commit: SHA },
        }),
      },
    });
    const { runs, diagnostics } = await scan();
    assert.deepEqual(diagnostics, []);
    const r = runs[0]!;
    assert.equal(r.path, 'random_forest/wandb/run-20210814_182718-x6cwgh9m');
    assert.equal(r.name, 'x6cwgh9m');
    assert.equal(r.experiment, 'exercise_14');
    assert.equal(r.status, 'finished');
    assert.equal(r.startTime, Date.UTC(2021, 7, 14, 16, 24, 54));
    assert.equal(r.endTime, 1628958324000);
    assert.deepEqual(r.git, {
      commit: SHA,
      branch: null,
      dirty: null,
      remote: 'https://github.com/1ayham1/genre_classification.git',
    });
    assert.deepEqual(r.params, {
      export_artifact: 'model_export',
      'features.categorical': '["time_signature","key"]',
      'random_forest.max_depth': 13,
      'random_forest.ccp_alpha': 0,
      'random_forest.n_jobs': null,
    });
    assert.deepEqual(r.metrics, {
      AUC: { last: 0.9541925810683027, lastStep: 0, min: 0.9541925810683027, max: 0.9541925810683027, count: 1 },
    });
  });

  it('reads an offline run from its log alone (no files/)', async () => {
    writeWandbRun(root, {
      mode: 'offline-run',
      id: 'g9dvvkua',
      log: logOf([
        rec.run({
          runId: 'g9dvvkua',
          project: 'code-toad',
          startMs: T0,
          config: [
            { key: 'epochs', json: '10' },
            { key: 'opt', json: '{"lr": 0.02}' },
          ],
          git: { commit: SHA },
        }),
        row(0, { loss: 1 }),
        row(1, { loss: 0.5 }),
        rec.summary([
          { nested: ['loss'], json: '0.5' },
          { nested: ['final_score'], json: 'Infinity' },
          { nested: ['_step'], json: '1' },
          { nested: ['_timestamp'], json: String((T0 + 2000) / 1000) },
        ]),
        rec.exit(0, 5),
      ]),
    });
    const { runs, diagnostics } = await scan();
    assert.deepEqual(diagnostics, []);
    const r = runs[0]!;
    assert.equal(r.path, 'wandb/offline-run-20240501_123456-g9dvvkua');
    assert.equal(r.experiment, 'code-toad');
    assert.deepEqual(r.params, { epochs: 10, 'opt.lr': 0.02 });
    assert.deepEqual(r.git, { commit: SHA, branch: null, dirty: null, remote: null });
    assert.deepEqual(r.metrics['loss'], { last: 0.5, lastStep: 1, min: 0.5, max: 1, count: 2 });
    assert.deepEqual(r.metrics['final_score'], { last: Infinity, lastStep: 1, min: null, max: null, count: 1 });
  });

  it('maps exit, preemption and silence to a status', async () => {
    const mk = (id: string, tail: Uint8Array[]): string =>
      writeWandbRun(root, { id, log: logOf([rec.run({ runId: id, startMs: T0 }), row(0, { loss: 1 }), ...tail]) });
    const ok = mk('ok', [rec.exit(0)]);
    const fail = mk('fail', [rec.exit(1, 3)]);
    const neg = mk('neg', [rec.exit(-1)]);
    const pre = mk('pre', [rec.preempting()]);
    const live = mk('live', []);
    const stale = mk('stale', []);
    old(path.join(root, stale, 'run-stale.wandb'));
    const { byPath } = await scan();
    assert.equal(byPath.get(ok)!.status, 'finished');
    assert.equal(byPath.get(fail)!.status, 'failed');
    assert.equal(byPath.get(neg)!.status, 'failed');
    assert.equal(byPath.get(pre)!.status, 'killed');
    assert.equal(byPath.get(live)!.status, 'running');
    assert.equal(byPath.get(stale)!.status, 'unknown');
    assert.equal(byPath.get(stale)!.endTime, T0 + 1000);
    // Without history times, the exit runtime gives the end.
    assert.equal(byPath.get(fail)!.endTime, T0 + 1000);
  });

  it('falls back for start time and git: environment record, metadata (naive UTC), config _wandb.e', async () => {
    const env = writeWandbRun(root, {
      id: 'env',
      log: logOf([
        rec.run({ runId: 'env' }),
        rec.environment({ startedMs: T0, git: { remote: 'r', commit: SHA }, writerId: 'w1' }),
        rec.exit(0),
      ]),
    });
    const meta = writeWandbRun(root, {
      id: 'meta',
      log: logOf([rec.run({ runId: 'meta' }), rec.exit(0)]),
      files: {
        'wandb-metadata.json':
          '{"startedAt": "2021-02-16T23:44:07.003488", "git": {"remote": "git@github.com:wandb/client.git"}}',
      },
    });
    const cfg = writeWandbRun(root, {
      id: 'cfg',
      log: logOf([rec.run({ runId: 'cfg' }), rec.exit(0)]),
      files: {
        'config.yaml': configYamlCore({
          _wandb: { e: { w1: { git: { remote: 'git@github.com:Aaidt/Lite-GPT.git', commit: SHA } } } },
          epochs: 10,
        }),
        'wandb-metadata.json': '{"startedAt": "2026-06-19T07:26:39.726042Z"}',
      },
    });
    const { byPath, diagnostics } = await scan();
    assert.deepEqual(diagnostics, []);
    assert.equal(byPath.get(env)!.startTime, T0);
    assert.deepEqual(byPath.get(env)!.git, { commit: SHA, branch: null, dirty: null, remote: 'r' });
    assert.equal(byPath.get(meta)!.startTime, Date.UTC(2021, 1, 16, 23, 44, 7, 3));
    assert.equal(byPath.get(meta)!.git.remote, 'git@github.com:wandb/client.git');
    assert.equal(byPath.get(meta)!.git.commit, null);
    assert.equal(byPath.get(cfg)!.startTime, Date.UTC(2026, 5, 19, 7, 26, 39, 726));
    assert.deepEqual(byPath.get(cfg)!.git, {
      commit: SHA,
      branch: null,
      dirty: null,
      remote: 'git@github.com:Aaidt/Lite-GPT.git',
    });
    assert.deepEqual(byPath.get(cfg)!.params, { epochs: 10 });
  });

  it('detects run folders: files-only runs inside wandb/, not elsewhere; a latest-run link is not a second run', async () => {
    const a = writeWandbRun(root, { id: 'aaaa1111', log: logOf([rec.run({ runId: 'aaaa1111' }), rec.exit(0)]) });
    const filesOnly = writeWandbRun(root, {
      wandbDir: 'proj/.wandb',
      id: 'bbbb2222',
      files: { 'config.yaml': configYamlCore({ lr: 0.1 }) },
    });
    fs.symlinkSync(path.basename(a), path.join(root, 'wandb', 'latest-run'));
    put(root, 'wandb/debug.log', 'log\n');
    put(root, 'wandb/settings', '[default]\n');
    // Generic file names outside a wandb folder are not a W&B run…
    put(root, 'elsewhere/run-20240101_000000-zzz/files/config.yaml', 'a: {value: 1}\n');
    // …but a run folder with its log is, wherever it was moved.
    put(root, 'moved/run-20240101_000000-yyy/run-yyy.wandb', logOf([rec.run({ runId: 'yyy' })]));
    const { runs, byPath } = await scan();
    assert.deepEqual(runs.map((r) => r.path).sort(), [filesOnly, 'moved/run-20240101_000000-yyy', a].sort());
    assert.deepEqual(byPath.get(filesOnly)!.params, { lr: 0.1 });
    assert.equal(byPath.get(filesOnly)!.name, 'bbbb2222');
  });

  it('reports bad and half-written files but still indexes the run', async () => {
    const empty = writeWandbRun(root, {
      id: 'empty',
      log: new Uint8Array(0),
      files: { 'config.yaml': configYamlCore({ lr: 1 }) },
    });
    const short = writeWandbRun(root, { id: 'short', log: Uint8Array.of(0x3a, 0x57, 0x26) });
    const wrong = writeWandbRun(root, {
      id: 'wrong',
      log: new TextEncoder().encode('not a wandb log at all'),
      files: { 'config.yaml': configYamlCore({ lr: 2 }) },
    });
    const broken = writeWandbRun(root, {
      id: 'broken',
      log: logOf([rec.run({ runId: 'broken' }), row(0, { loss: 1 })]),
      files: {
        'wandb-summary.json': '{"loss": 1, "extra": 2, "_st',
        'config.yaml': 'lr: [unclosed\n',
        'wandb-metadata.json': '[1, 2]',
      },
    });
    const odd = writeWandbRun(root, {
      id: 'odd',
      log: logOf([rec.run({ runId: 'other-id' }), rec.exit(0)]),
      files: { 'config.yaml': 'wandb_version: 1\n\nlr: 0.5\nbatch:\n  desc: null\n  value: 32\n' },
    });
    const { byPath, diagnostics } = await scan();
    const diag = (p: string): string[] =>
      diagnostics.filter((d) => d.path.startsWith(p + '/')).map((d) => `${d.severity}: ${d.message}`);
    assert.deepEqual(diag(empty), []);
    assert.deepEqual(byPath.get(empty)!.params, { lr: 1 });
    assert.deepEqual(diag(short), ['warning: wandb: transaction log shorter than its 7-byte header (not written yet)']);
    assert.equal(byPath.get(short)!.name, 'short');
    assert.equal(diag(wrong).length, 1);
    assert.match(diag(wrong)[0]!, /^error: wandb: not a W&B transaction log/);
    assert.deepEqual(byPath.get(wrong)!.params, { lr: 2 });
    const b = diag(broken);
    assert.equal(b.length, 3, b.join('\n'));
    assert.ok(b.some((m) => /wandb-summary.json|being rewritten/.test(m)));
    assert.ok(b.some((m) => /not valid YAML/.test(m)));
    assert.ok(b.some((m) => /expected a JSON object/.test(m)));
    assert.deepEqual(byPath.get(broken)!.metrics['loss'], { last: 1, lastStep: 0, min: 1, max: 1, count: 1 });
    assert.deepEqual(byPath.get(odd)!.params, { lr: 0.5, batch: 32 });
    const o = diag(odd);
    assert.equal(o.length, 2, o.join('\n'));
    assert.ok(o.some((m) => /run id "other-id" in the log differs from the file name's "odd"/.test(m)));
    assert.ok(o.some((m) => /1 config key\(s\) not wrapped/.test(m)));
    assert.equal(byPath.get(odd)!.name, 'other-id');
  });

  it('follows a log being written: resumes where it stopped, keeps run info when only other files change', async () => {
    const w = new WandbLogWriter();
    w.append(rec.run({ runId: 'live', project: 'p', name: 'nm', startMs: T0, config: [{ key: 'lr', json: '0.1' }] }));
    for (let s = 0; s < 2000; s++) w.append(row(s, { loss: 1 / (s + 1), acc: s }));
    w.append(rec.exit(0, 99));
    const full = w.bytes();
    const rel = writeWandbRun(root, {
      id: 'live',
      log: full.subarray(0, 50_000),
      files: { 'config.yaml': configYamlCore({ lr: 0.1, bs: 1 }) },
    });
    const file = path.join(root, rel, 'run-live.wandb');
    const ix = indexer();
    let r = (await scan(ix)).byPath.get(rel)!;
    const first = r.metrics['loss']!.count;
    assert.ok(first > 100 && first < 2000, `first read ${first}`);
    assert.equal(r.status, 'running');
    // Append the rest (in the middle of a record): points are counted once.
    fs.appendFileSync(file, full.subarray(50_000, 100_000));
    touchLater(file);
    r = (await scan(ix)).byPath.get(rel)!;
    const second = r.metrics['loss']!.count;
    assert.ok(second > first && second < 2000);
    fs.appendFileSync(file, full.subarray(100_000));
    touchLater(file, 4);
    let res = await scan(ix);
    r = res.byPath.get(rel)!;
    assert.deepEqual(res.diagnostics, []);
    assert.deepEqual(r.metrics['acc'], { last: 1999, lastStep: 1999, min: 0, max: 1999, count: 2000 });
    assert.equal(r.metrics['loss']!.count, 2000);
    assert.equal(r.status, 'finished');
    // Only config.yaml changes: the log is not re-read, its run info is still known.
    const cfg = path.join(root, rel, 'files', 'config.yaml');
    fs.writeFileSync(cfg, configYamlCore({ lr: 0.1, bs: 2 }));
    touchLater(cfg);
    res = await scan(ix);
    r = res.byPath.get(rel)!;
    assert.deepEqual(res.diagnostics, []);
    assert.deepEqual(r.params, { lr: 0.1, bs: 2 });
    assert.equal(r.name, 'nm');
    assert.equal(r.experiment, 'p');
    assert.equal(r.status, 'finished');
    assert.equal(r.startTime, T0);
    assert.equal(r.metrics['acc']!.count, 2000);
    // Curves on demand read the whole history.
    const series = await ix.readSeries(r, ['acc']);
    assert.equal(series.length, 1);
    assert.equal(series[0]!.values.length, 2000);
    assert.equal(series[0]!.steps[1999], 1999);
    assert.equal(series[0]!.times[0], T0 + 1000);
  });

  it('keeps the run info of a damaged log when only another file of the run changes', async () => {
    const w = new WandbLogWriter();
    w.append(rec.run({ runId: 'dmg', project: 'p' }));
    for (let s = 0; s < 600; s++) w.append(row(s, { loss: s }));
    const bytes = w.bytes();
    bytes[w.offsets[5]! + 9]! ^= 0xff;
    const rel = writeWandbRun(root, { id: 'dmg', log: bytes, files: { 'config.yaml': configYamlCore({ a: 1 }) } });
    const ix = indexer();
    let res = await scan(ix);
    assert.equal(res.diagnostics.length, 1);
    assert.match(res.diagnostics[0]!.message, /checksum mismatch at byte \d+; skipped \d+ bytes/);
    const count = res.byPath.get(rel)!.metrics['loss']!.count;
    assert.ok(count > 100 && count < 590, `count ${count}`); // the rest of block 0 is lost
    const cfg = path.join(root, rel, 'files', 'config.yaml');
    fs.writeFileSync(cfg, configYamlCore({ a: 2 }));
    touchLater(cfg);
    res = await scan(ix);
    // The log is not read again (its state is carried over), so its diagnostic is the indexer's to keep.
    assert.deepEqual(res.byPath.get(rel)!.params, { a: 2 });
    assert.equal(res.byPath.get(rel)!.experiment, 'p');
    assert.equal(res.byPath.get(rel)!.metrics['loss']!.count, count);
  });

  it('reads an SDK ≤ 0.9 run: wandb-history.jsonl and metadata state', async () => {
    const rel = writeWandbRun(root, {
      mode: 'dryrun',
      id: 'legacy01',
      legacyLayout: true,
      files: {
        'wandb-history.jsonl':
          '{"loss": 0.5, "val": {"acc": 0.6}, "img": {"_type": "images", "count": 1}, "_step": 0, "_runtime": 1.2, "_timestamp": 1589000000.5}\n' +
          '{"loss": NaN, "val": {"acc": 0.7}, "_step": 1, "_runtime": 2.2, "_timestamp": 1589000001.5}\n' +
          'not json\n' +
          '{"loss": 0.25, "_runtime": 3.2, "_timestamp": 1589000002.5}\n' +
          '{"loss": 0.1, "_st',
        'wandb-metadata.json':
          '{"startedAt": "2020-05-09T05:33:19.000000", "state": "killed", "exitcode": 255, "project": "old", "name": "legacy-name"}',
        'config.yaml': configYamlLegacy({ lr: 0.01 }),
        'wandb-summary.json': '{"loss": 0.25, "test_acc": 0.9, "_step": 2}',
        'diff.patch': 'x',
      },
    });
    const { byPath, diagnostics } = await scan();
    const r = byPath.get(rel)!;
    assert.equal(rel, 'wandb/dryrun-20240501_123456-legacy01');
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['wandb: line 3 of the history is not JSON; skipped'],
    );
    assert.equal(r.name, 'legacy-name');
    assert.equal(r.experiment, 'old');
    assert.equal(r.status, 'killed');
    assert.equal(r.startTime, Date.UTC(2020, 4, 9, 5, 33, 19));
    assert.equal(r.endTime, 1589000002500);
    assert.equal(r.git.dirty, true);
    assert.deepEqual(r.params, { lr: 0.01 });
    assert.deepEqual(r.metrics['loss'], { last: 0.25, lastStep: 2, min: 0.25, max: 0.5, count: 3 });
    assert.deepEqual(r.metrics['val.acc'], { last: 0.7, lastStep: 1, min: 0.6, max: 0.7, count: 2 });
    assert.deepEqual(r.metrics['test_acc'], { last: 0.9, lastStep: 2, min: 0.9, max: 0.9, count: 1 });
    assert.deepEqual(Object.keys(r.metrics).sort(), ['loss', 'test_acc', 'val.acc']);
  });
});
