import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Indexer } from '../../../src/core/index/indexer';
import type { Run } from '../../../src/core/model';
import { tensorboardReader } from '../../../src/core/readers/tensorboard/tensorboard';
import { bfloat16ToNumber, halfToNumber } from '../../../src/core/readers/tensorboard/tensorboardEvent';
import { paramsFromHparamsYaml, pyFloat } from '../../../src/core/readers/tensorboard/tensorboardHparams';
import type { DirEntry, TreeView } from '../../../src/core/readers/types';
import { scanFolder, type ScanResult } from '../../../src/core/index/scan';
import {
  DT,
  encodeEvent,
  eventFileBytes,
  eventFileName,
  fileVersionEvent,
  frameRecord,
  hparamsEvents,
  scalarEvent,
  sessionEndContent,
  sessionStartContent,
  tf2ScalarEvent,
  writeEventFile,
  type EventSpec,
} from '../../helpers/writers/tfevents';
import { f32, f64 } from '../../helpers/protobuf';

const T0 = 1700000000;

describe('tensorboard reader', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-tb-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const scan = (): Promise<ScanResult> => scanFolder(root, { readers: [tensorboardReader] });
  const only = (r: ScanResult): Run => {
    assert.equal(r.runs.length, 1, JSON.stringify(r.runs.map((x) => x.path)));
    return r.runs[0]!;
  };
  const dir = (rel: string): string => path.join(root, rel);
  /** A PyTorch SummaryWriter file: file_version, then one simple_value event per point. */
  const pytorchFile = (points: Array<[tag: string, value: number, step: number]>, t = T0): EventSpec[] => [
    fileVersionEvent(t),
    ...points.map(([tag, v, s], i) => scalarEvent(tag, v, s, t + 1 + i)),
  ];

  describe('detection', () => {
    const tree = (dirs: Record<string, string[]>): TreeView => ({
      list: (d) =>
        dirs[d]?.map((name): DirEntry => ({
          name,
          isDir: name.endsWith('/'),
          isFile: !name.endsWith('/'),
          size: 1,
          mtimeMs: 0,
        })),
      dirs: () => Object.keys(dirs),
    });

    it('claims a folder that directly holds event files, listing them in name order and hparams.yaml', () => {
      const t = tree({
        'lightning_logs/version_0': [
          'hparams.yaml',
          'events.out.tfevents.1700000002.h.1.0',
          'events.out.tfevents.1700000001.h.1.0',
          'x.txt',
        ],
      });
      assert.deepEqual(tensorboardReader.detect('lightning_logs/version_0', t), [
        {
          format: 'tensorboard',
          dir: 'lightning_logs/version_0',
          path: 'lightning_logs/version_0',
          files: [
            'lightning_logs/version_0/events.out.tfevents.1700000001.h.1.0',
            'lightning_logs/version_0/events.out.tfevents.1700000002.h.1.0',
            'lightning_logs/version_0/hparams.yaml',
          ],
        },
      ]);
    });

    it('ignores profiler .profile-empty files, folders named like event files, and folders without events', () => {
      const t = tree({
        a: ['events.out.tfevents.1628697787.host.profile-empty'],
        b: ['events.out.tfevents.1.dir/', 'hparams.yaml'],
        c: ['train.tfevents.log'],
      });
      assert.deepEqual(tensorboardReader.detect('a', t), []);
      assert.deepEqual(tensorboardReader.detect('b', t), []);
      assert.equal(tensorboardReader.detect('c', t).length, 1, 'any name containing "tfevents" is an event file');
      assert.deepEqual(tensorboardReader.detect('missing', t), []);
    });
  });

  it('reads PyTorch simple_value scalars with steps, times and summaries', async () => {
    writeEventFile(dir('runs/May04_22-14-54_host'), eventFileName(T0), [
      fileVersionEvent(T0 + 0.25),
      scalarEvent('loss', 2.5, 0, T0 + 1),
      scalarEvent('loss', 1.5, 1, T0 + 2),
      scalarEvent('loss', 1.75, 2, T0 + 3),
      scalarEvent('train/acc', 0.5, 2, T0 + 3),
      {
        wallTime: T0 + 4.123456,
        step: 3,
        values: [
          { tag: 'loss', simpleValue: 0.1 },
          { tag: 'train/acc', simpleValue: 0.75 },
        ],
      },
    ]);
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    const run = only(r);
    assert.equal(run.format, 'tensorboard');
    assert.equal(run.path, 'runs/May04_22-14-54_host');
    assert.equal(run.name, 'runs/May04_22-14-54_host');
    assert.equal(run.status, 'unknown');
    assert.equal(run.experiment, null);
    assert.deepEqual(run.params, {});
    assert.equal(run.startTime, (T0 + 0.25) * 1000);
    assert.equal(run.endTime, Math.round((T0 + 4.123456) * 1000));
    assert.deepEqual(run.metrics, {
      loss: { last: Math.fround(0.1), lastStep: 3, min: Math.fround(0.1), max: 2.5, count: 4 },
      'train/acc': { last: 0.75, lastStep: 3, min: 0.5, max: 0.75, count: 2 },
    });
  });

  it('decodes the spec test vectors (simple_value and a TF2 float_val tensor)', async () => {
    const file = Buffer.from(
      '1800000000000000a37f4b220900000040fc54d9411a0d627261696e2e4576656e743a32eced8f9d' +
        '1a00000000000000129bd82d0900006040fc54d94110032a0d0a0b0a046c6f7373150000803ec614c6e7' +
        '2d000000000000003c418afb0900008040fc54d94110042a200a1e0a03616363420a080112002a040000003f4a0b0a090a077363616c617273' +
        '78444b18',
      'hex',
    );
    writeEventFile(root, 'events.out.tfevents.1700000000.host', file);
    const run = only(await scan());
    assert.equal(run.path, '');
    assert.equal(run.name, '.', 'TensorBoard names the logdir itself "."');
    assert.equal(run.startTime, 1700000000000);
    assert.equal(run.endTime, 1700000002000);
    assert.deepEqual(run.metrics, {
      loss: { last: 0.25, lastStep: 3, min: 0.25, max: 0.25, count: 1 },
      acc: { last: 0.5, lastStep: 4, min: 0.5, max: 0.5, count: 1 },
    });
  });

  describe('TF2 tensor scalars', () => {
    it('reads tensor_content, packed and unpacked float_val, with metadata only on the first value', async () => {
      const events: EventSpec[] = [fileVersionEvent(T0)];
      const encs = ['content', 'float_val', 'unpacked'] as const;
      for (const [i, enc] of encs.entries()) {
        for (let s = 0; s < 4; s++) events.push(tf2ScalarEvent(`epoch_${enc}`, s * 0.5 + i, s, T0 + s, s === 0, enc));
      }
      writeEventFile(dir('logs/train'), eventFileName(T0, 'h', 1, 0) + '.v2', events);
      const r = await scan();
      assert.deepEqual(r.diagnostics, []);
      const run = only(r);
      assert.deepEqual(run.metrics, {
        epoch_content: { last: 1.5, lastStep: 3, min: 0, max: 1.5, count: 4 },
        epoch_float_val: { last: 2.5, lastStep: 3, min: 1, max: 2.5, count: 4 },
        epoch_unpacked: { last: 3.5, lastStep: 3, min: 2, max: 3.5, count: 4 },
      });
    });

    it('reads double, half, bfloat16, integer and bool scalars (DATA_CLASS_SCALAR counts as scalars)', async () => {
      const v = (tag: string, tensor: Parameters<typeof encodeTensorValue>[1], step = 1): EventSpec => ({
        wallTime: T0 + step,
        step,
        values: [encodeTensorValue(tag, tensor)],
      });
      writeEventFile(root, eventFileName(T0), [
        fileVersionEvent(T0),
        v('double_val', { dtype: DT.DOUBLE, doubleVal: [0.1] }),
        v('double_content', { dtype: DT.DOUBLE, content: f64(1 / 3) }),
        v('half_val', { dtype: DT.HALF, halfVal: [0x3555] }), // 0.333251953125
        v('half_content', { dtype: DT.HALF, content: Uint8Array.from([0x00, 0xfc]) }), // -Infinity
        v('bf16_val', { dtype: DT.BFLOAT16, halfVal: [0x3fc0] }), // 1.5
        v('int64_val', { dtype: DT.INT64, int64Val: [-5n] }),
        v('int32_content', { dtype: DT.INT32, content: Uint8Array.from([0xfe, 0xff, 0xff, 0xff]) }),
        v('bool_val', { dtype: DT.BOOL, boolVal: [true] }),
        {
          wallTime: T0 + 2,
          step: 2,
          values: [{ tag: 'by_class', tensor: { dtype: DT.FLOAT, content: f32(7) }, metadata: { dataClass: 1 } }],
        },
      ]);
      const r = await scan();
      assert.deepEqual(r.diagnostics, []);
      const m = only(r).metrics;
      const last = (k: string): number | null | undefined => m[k]?.last;
      assert.equal(last('double_val'), 0.1);
      assert.equal(last('double_content'), 1 / 3);
      assert.equal(last('half_val'), 0.333251953125);
      assert.equal(last('half_content'), -Infinity);
      assert.deepEqual(m.half_content, { last: -Infinity, lastStep: 1, min: null, max: null, count: 1 });
      assert.equal(last('bf16_val'), 1.5);
      assert.equal(last('int64_val'), -5);
      assert.equal(last('int32_content'), -2);
      assert.equal(last('bool_val'), 1);
      assert.equal(last('by_class'), 7);
    });

    it('takes a tag’s plugin from an earlier file of the same run', async () => {
      writeEventFile(dir('run'), eventFileName(T0, 'h', 1, 0), [
        fileVersionEvent(T0),
        tf2ScalarEvent('acc', 0.25, 0, T0 + 1, true),
      ]);
      writeEventFile(dir('run'), eventFileName(T0 + 10, 'h', 2, 0), [
        fileVersionEvent(T0 + 10),
        tf2ScalarEvent('acc', 0.75, 1, T0 + 11, false),
      ]);
      const run = only(await scan());
      assert.deepEqual(run.metrics.acc, { last: 0.75, lastStep: 1, min: 0.25, max: 0.75, count: 2 });
      assert.equal(run.endTime, (T0 + 11) * 1000);
    });

    it('skips tensors of other plugins and non-scalar payloads; reports a non-scalar value in a scalars tag once', async () => {
      const file = eventFileName(T0);
      writeEventFile(root, file, [
        fileVersionEvent(T0),
        {
          wallTime: T0,
          step: 1,
          values: [{ tag: 'note', tensor: { dtype: DT.STRING, stringVal: ['hi'] }, metadata: { plugin: 'text' } }],
        },
        { wallTime: T0, step: 1, values: [{ tag: 'w', histo: { min: 0, max: 1, num: 3 } }] },
        {
          wallTime: T0,
          step: 1,
          values: [{ tag: 'img', image: { height: 1, width: 1, encoded: Uint8Array.from([1, 2]) } }],
        },
        { wallTime: T0, step: 1, values: [{ tag: 'nometa', tensor: { dtype: DT.FLOAT, floatVal: [1] } }] },
        tf2ScalarEvent('acc', 0.5, 1, T0 + 1, true),
        {
          wallTime: T0 + 2,
          step: 2,
          values: [{ tag: 'acc', tensor: { dtype: DT.FLOAT, shape: [2], floatVal: [1, 2] } }],
        },
        { wallTime: T0 + 3, step: 3, values: [{ tag: 'acc', tensor: { dtype: DT.FLOAT, floatVal: [1, 2] } }] },
        tf2ScalarEvent('acc', 0.625, 4, T0 + 4, false),
      ]);
      const r = await scan();
      const run = only(r);
      assert.deepEqual(Object.keys(run.metrics), ['acc']);
      assert.deepEqual(run.metrics.acc, { last: 0.625, lastStep: 4, min: 0.5, max: 0.625, count: 2 });
      assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics));
      assert.equal(r.diagnostics[0]!.path, file);
      assert.match(
        r.diagnostics[0]!.message,
        /scalar tag "acc" has a tensor that is not rank 0 \(first at byte \d+ in events\.out/,
      );
    });
  });

  it('merges several event files of one run in name order (same step: the later file wins)', async () => {
    // A restart: the second file re-logs steps 2..3.
    writeEventFile(
      dir('run'),
      eventFileName(T0, 'h', 1),
      pytorchFile(
        [
          ['loss', 4, 1],
          ['loss', 3, 2],
          ['loss', 2, 3],
        ],
        T0,
      ),
    );
    writeEventFile(
      dir('run'),
      eventFileName(T0 + 100, 'h', 2),
      pytorchFile(
        [
          ['loss', 2.5, 2],
          ['loss', 1.5, 3],
        ],
        T0 + 100,
      ),
    );
    const run = only(await scan());
    assert.deepEqual(run.metrics.loss, { last: 1.5, lastStep: 3, min: 1.5, max: 4, count: 5 });
    assert.equal(run.startTime, T0 * 1000);
    assert.equal(run.endTime, (T0 + 102) * 1000);
  });

  it('gives nested run folders (Keras train/validation, PyTorch add_scalars) their own runs', async () => {
    writeEventFile(dir('logs'), eventFileName(T0), pytorchFile([['top', 1, 0]]));
    writeEventFile(dir('logs/train'), eventFileName(T0), pytorchFile([['epoch_loss', 0.5, 0]]));
    writeEventFile(dir('logs/validation'), eventFileName(T0), pytorchFile([['epoch_loss', 0.75, 0]]));
    const r = await scan();
    const byPath = new Map(r.runs.map((x) => [x.path, x]));
    assert.deepEqual([...byPath.keys()].sort(), ['logs', 'logs/train', 'logs/validation']);
    assert.deepEqual(Object.keys(byPath.get('logs')!.metrics), ['top']);
    assert.equal(byPath.get('logs/validation')!.metrics.epoch_loss!.last, 0.75);
  });

  it('keeps NaN and ±Infinity points, negative and huge steps; a zero wall time is no start time', async () => {
    writeEventFile(root, eventFileName(T0), [
      { step: -3, values: [{ tag: 'x', simpleValue: NaN }] },
      { step: 0, values: [{ tag: 'x', simpleValue: Infinity }] },
      { step: 2 ** 40, values: [{ tag: 'x', simpleValue: -Infinity }] },
      { step: 5, values: [{ tag: 'x', simpleValue: 2 }] },
      { step: -1, values: [{ tag: '', simpleValue: 1 }] },
    ]);
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    const run = only(r);
    assert.equal(run.startTime, null);
    assert.equal(run.endTime, null);
    assert.deepEqual(run.metrics.x, { last: -Infinity, lastStep: 2 ** 40, min: 2, max: 2, count: 4 });
    assert.deepEqual(run.metrics[''], { last: 1, lastStep: -1, min: 1, max: 1, count: 1 });
  });

  describe('params', () => {
    it('come from the HParams plugin session_start_info; PyTorch’s session_end_info says nothing about status', async () => {
      writeEventFile(dir('runs/1700000000.5'), eventFileName(T0), [
        fileVersionEvent(T0),
        ...hparamsEvents(
          { lr: 0.001, optimizer: 'adam', bn: true, none: null, layers: [64, 32], nested: { depth: 3, act: 'relu' } },
          T0 + 1,
        ),
        scalarEvent('hp_metric', -1, 0, T0 + 1),
      ]);
      const r = await scan();
      assert.deepEqual(r.diagnostics, []);
      const run = only(r);
      assert.deepEqual(run.params, {
        lr: 0.001,
        optimizer: 'adam',
        bn: true,
        none: null,
        layers: '[64,32]',
        'nested.depth': 3,
        'nested.act': 'relu',
      });
      assert.equal(run.status, 'unknown');
      assert.deepEqual(Object.keys(run.metrics), ['hp_metric'], 'the _hparams_ tags are not metrics');
    });

    it('a session_end_info with an end time (TF hp.KerasCallback) gives the status', async () => {
      const hp = (tag: string, content: Uint8Array): EventSpec => ({
        wallTime: T0 + 9,
        values: [{ tag, none: true, metadata: { plugin: 'hparams', content } }],
      });
      writeEventFile(dir('ok'), eventFileName(T0), [
        fileVersionEvent(T0),
        hp('_hparams_/session_start_info', sessionStartContent({ units: 16 }, T0)),
        hp('_hparams_/session_end_info', sessionEndContent(1, T0 + 9)),
      ]);
      writeEventFile(dir('bad'), eventFileName(T0), [
        fileVersionEvent(T0),
        hp('_hparams_/session_end_info', sessionEndContent(2, T0 + 9)),
      ]);
      const r = await scan();
      const status = Object.fromEntries(r.runs.map((x) => [x.path, x.status]));
      assert.deepEqual(status, { ok: 'finished', bad: 'failed' });
      assert.deepEqual(r.runs.find((x) => x.path === 'ok')!.params, { units: 16 });
    });

    it('a Lightning hparams.yaml beside the events wins over the plugin data (lists as Python writes them)', async () => {
      const v = dir('lightning_logs/version_0');
      writeEventFile(v, eventFileName(T0), [
        fileVersionEvent(T0),
        ...hparamsEvents({ lr: 0.5, 'config/depth': 2 }, T0),
      ]);
      fs.writeFileSync(
        path.join(v, 'hparams.yaml'),
        'lr: 0.01\nconfig:\n  depth: 3\n  sizes: &s\n  - 1.0\n  - 2\n  - 1.0e-05\n  name: unet\nsame: *s\nflag: false\nnothing: null\nwhen: Jun 05, 2021 11:34\n',
      );
      const r = await scan();
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(only(r).params, {
        lr: 0.01,
        'config.depth': 3,
        'config.sizes': '[1.0,2,1e-05]',
        'config.name': 'unet',
        same: '[1.0,2,1e-05]',
        flag: false,
        nothing: null,
        when: 'Jun 05, 2021 11:34',
      });
    });

    it('a `!!python/name` value in hparams.yaml is the name it points to, not "" over the event file\'s value', async () => {
      const v = dir('lightning_logs/version_2');
      // Lightning logs str(value) in the HParams event and the PyYAML dump in hparams.yaml.
      writeEventFile(v, eventFileName(T0), [
        fileVersionEvent(T0),
        ...hparamsEvents({ optim: "<class 'torch.optim.adamw.AdamW'>", lr: 0.5 }, T0),
      ]);
      fs.writeFileSync(path.join(v, 'hparams.yaml'), "optim: !!python/name:torch.optim.adamw.AdamW ''\nlr: 0.5\n");
      const r = await scan();
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(only(r).params, { optim: 'torch.optim.adamw.AdamW', lr: 0.5 });
    });

    it('falls back to the plugin data, with a warning, when hparams.yaml does not parse', async () => {
      const v = dir('lightning_logs/version_1');
      writeEventFile(v, eventFileName(T0), [fileVersionEvent(T0), ...hparamsEvents({ lr: 0.5 }, T0)]);
      fs.writeFileSync(path.join(v, 'hparams.yaml'), 'lr: [1,\n');
      const r = await scan();
      assert.deepEqual(only(r).params, { lr: 0.5 });
      assert.equal(r.diagnostics.length, 1);
      assert.equal(r.diagnostics[0]!.path, 'lightning_logs/version_1/hparams.yaml');
      assert.equal(r.diagnostics[0]!.severity, 'warning');
      assert.match(r.diagnostics[0]!.message, /^tensorboard: hparams\.yaml does not parse/);
    });

    it('an empty hparams.yaml means the plugin data (if any) stands, silently', async () => {
      const v = dir('v');
      writeEventFile(v, eventFileName(T0), [fileVersionEvent(T0), ...hparamsEvents({ lr: 0.5 }, T0)]);
      fs.writeFileSync(path.join(v, 'hparams.yaml'), '');
      const r = await scan();
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(only(r).params, { lr: 0.5 });
    });
  });

  describe('damaged and growing files', () => {
    it('an empty event file is a run with no metrics and no problem', async () => {
      writeEventFile(root, eventFileName(T0), new Uint8Array(0));
      const r = await scan();
      assert.deepEqual(r.diagnostics, []);
      const run = only(r);
      assert.deepEqual(run.metrics, {});
      assert.equal(run.startTime, null);
    });

    it('a half-written last record waits silently; the records before it count', async () => {
      const whole = eventFileBytes(
        pytorchFile([
          ['a', 1, 1],
          ['a', 2, 2],
          ['a', 3, 3],
        ]),
      );
      const lastLen = frameRecord(encodeEvent(scalarEvent('a', 3, 3, T0 + 3))).length;
      for (const cut of [1, 11, 12, 20, lastLen - 1]) {
        writeEventFile(root, eventFileName(T0), whole.subarray(0, whole.length - cut));
        const r = await scan();
        assert.deepEqual(r.diagnostics, [], `cut ${cut}`);
        assert.deepEqual(only(r).metrics.a, { last: 2, lastStep: 2, min: 1, max: 2, count: 2 }, `cut ${cut}`);
      }
    });

    it('a bad data checksum skips that record, names the file and byte offset, and reads on', async () => {
      const recs = pytorchFile([
        ['a', 1, 1],
        ['a', 2, 2],
        ['a', 3, 3],
      ]).map((e) => frameRecord(encodeEvent(e)));
      // recs[0] is the file_version event; recs[2] holds a = 2 at step 2.
      const at = recs[0]!.length + recs[1]!.length;
      recs[2]![20]! ^= 0xff;
      const name = eventFileName(T0);
      writeEventFile(dir('r'), name, Buffer.concat(recs));
      const r = await scan();
      assert.deepEqual(only(r).metrics.a, { last: 3, lastStep: 3, min: 1, max: 3, count: 2 });
      assert.deepEqual(r.diagnostics, [
        {
          path: `r/${name}`,
          severity: 'error',
          message: `tensorboard: record at byte ${at} of ${name} fails its data checksum; record skipped`,
        },
      ]);
    });

    it('reports the first 20 damaged records of a file, then counts the rest', async () => {
      const recs = pytorchFile(Array.from({ length: 35 }, (_, i): [string, number, number] => ['a', i, i])).map((e) =>
        frameRecord(encodeEvent(e)),
      );
      for (let i = 1; i <= 30; i++) recs[i]![recs[i]!.length - 1]! ^= 0xff;
      const name = eventFileName(T0);
      writeEventFile(root, name, Buffer.concat(recs));
      const r = await scan();
      assert.deepEqual(only(r).metrics.a, { last: 34, lastStep: 34, min: 30, max: 34, count: 5 });
      assert.equal(r.diagnostics.length, 21);
      assert.ok(r.diagnostics.slice(0, 20).every((d) => d.message.endsWith('fails its data checksum; record skipped')));
      assert.equal(r.diagnostics[20]!.message, `tensorboard: 10 more damaged records in ${name} were skipped`);
    });

    it('a bad length checksum skips to the next record that frames (resync, as TensorBoard does) and keeps what came before', async () => {
      const recs = pytorchFile([
        ['a', 1, 1],
        ['a', 2, 2],
        ['a', 3, 3],
      ]).map((e) => frameRecord(encodeEvent(e)));
      const at = recs[0]!.length + recs[1]!.length + recs[2]!.length;
      recs[3]![3]! ^= 0x01;
      const name = eventFileName(T0);
      writeEventFile(root, name, Buffer.concat([...recs, frameRecord(encodeEvent(scalarEvent('a', 9, 9, T0 + 9)))]));
      const r = await scan();
      assert.deepEqual(only(r).metrics.a, { last: 9, lastStep: 9, min: 1, max: 9, count: 3 });
      assert.equal(r.diagnostics.length, 1);
      const next = at + recs[3]!.length;
      assert.equal(
        r.diagnostics[0]!.message,
        `tensorboard: record length at byte ${at} of ${name} fails its checksum; ${next - at} bytes skipped to the next record, at byte ${next}`,
      );
    });

    it('gives up on a file broken from byte 0 after a bounded scan (a 2 GB all-zero file, sparse on disk)', async function () {
      this.timeout(60_000);
      const name = eventFileName(T0);
      writeEventFile(root, name, new Uint8Array(0));
      fs.truncateSync(path.join(root, name), 2 * 1024 ** 3);
      const started = Date.now();
      const r = await scan();
      const ms = Date.now() - started;
      assert.deepEqual(only(r).metrics, {});
      assert.deepEqual(
        r.diagnostics.map((d) => d.message),
        [
          `tensorboard: record length at byte 0 of ${name} fails its checksum; no record frames in the next 1 MiB, so the rest of the file is skipped`,
        ],
      );
      // Reading the whole file took ~4 s; the bounded scan reads a few MiB.
      assert.ok(ms < 1500, `took ${ms} ms`);
    });

    it('a checksum-valid record that is not an Event is skipped with a diagnostic', async () => {
      const bad = frameRecord(
        encodeEvent({ wallTime: T0, step: 1, values: [{ tag: 'a', simpleValue: 5 }], trailing: [0x2a, 0x7f, 0x01] }),
      );
      const group = frameRecord(encodeEvent({ wallTime: T0, trailing: [0x0b] }));
      const good = frameRecord(encodeEvent(scalarEvent('a', 1, 2, T0 + 2)));
      const name = eventFileName(T0);
      writeEventFile(root, name, Buffer.concat([bad, group, good]));
      const r = await scan();
      assert.deepEqual(only(r).metrics.a, { last: 1, lastStep: 2, min: 1, max: 1, count: 1 });
      assert.deepEqual(
        r.diagnostics.map((d) => d.message.replace(/\(.*\)/, '(…)')),
        [
          `tensorboard: record at byte 0 of ${name} is not a valid Event (…); record skipped`,
          `tensorboard: record at byte ${bad.length} of ${name} is not a valid Event (…); record skipped`,
        ],
      );
    });

    it('reads records that straddle the read context’s chunks (files bigger than one chunk)', async () => {
      const points: Array<[string, number, number]> = [];
      for (let s = 0; s < 200; s++) points.push(['loss', 1 / (s + 1), s], ['acc', s / 200, s]);
      writeEventFile(root, eventFileName(T0), pytorchFile(points));
      // 61-byte chunks: nearly every record is split, some into three pieces.
      const r = await scanFolder(root, { readers: [tensorboardReader], limits: { chunkBytes: 61 } });
      assert.deepEqual(r.diagnostics, []);
      const run = only(r);
      assert.deepEqual(run.metrics.loss, {
        last: Math.fround(1 / 200),
        lastStep: 199,
        min: Math.fround(1 / 200),
        max: 1,
        count: 200,
      });
      assert.deepEqual(run.metrics.acc, {
        last: Math.fround(199 / 200),
        lastStep: 199,
        min: 0,
        max: Math.fround(199 / 200),
        count: 200,
      });
    });

    it('follows an appended file: the next pass reads only the new records and keeps the run’s params and times', async () => {
      const v = dir('runs/a');
      const first = eventFileName(T0, 'h', 1);
      const second = eventFileName(T0 + 50, 'h', 2);
      writeEventFile(v, first, [
        fileVersionEvent(T0),
        ...hparamsEvents({ lr: 0.1 }, T0),
        scalarEvent('loss', 3, 1, T0 + 1),
      ]);
      const grow = eventFileBytes([
        fileVersionEvent(T0 + 50),
        scalarEvent('loss', 2, 2, T0 + 51),
        scalarEvent('loss', 1, 3, T0 + 52),
      ]);
      const cut = grow.length - 7; // the last record is half-written
      writeEventFile(v, second, grow.subarray(0, cut));
      const indexer = new Indexer(root, { readers: [tensorboardReader] });
      await indexer.indexAll();
      let run = only({ runs: indexer.runs(), diagnostics: [] });
      assert.deepEqual(run.metrics.loss, { last: 2, lastStep: 2, min: 2, max: 3, count: 2 });
      fs.appendFileSync(path.join(v, second), grow.subarray(cut));
      fs.appendFileSync(path.join(v, second), frameRecord(encodeEvent(scalarEvent('loss', 0.5, 4, T0 + 60))));
      await indexer.indexAll();
      assert.deepEqual(indexer.diagnostics(), []);
      run = only({ runs: indexer.runs(), diagnostics: [] });
      assert.deepEqual(run.metrics.loss, { last: 0.5, lastStep: 4, min: 0.5, max: 3, count: 4 });
      assert.deepEqual(run.params, { lr: 0.1 }, 'params from the unchanged first file survive');
      assert.equal(run.startTime, T0 * 1000);
      assert.equal(run.endTime, (T0 + 60) * 1000);
      const series = await indexer.readSeries(run, ['loss']);
      assert.deepEqual([...series[0]!.steps], [1, 2, 3, 4]);
      assert.deepEqual([...series[0]!.values], [3, 2, 1, 0.5]);
      assert.deepEqual([...series[0]!.times], [(T0 + 1) * 1000, (T0 + 51) * 1000, (T0 + 52) * 1000, (T0 + 60) * 1000]);
    });
  });

  describe('helpers', () => {
    it('decodes binary16 and bfloat16', () => {
      assert.equal(halfToNumber(0x3c00), 1);
      assert.equal(halfToNumber(0xc000), -2);
      assert.equal(halfToNumber(0x0001), 2 ** -24);
      assert.equal(halfToNumber(0x7bff), 65504);
      assert.equal(halfToNumber(0x7c00), Infinity);
      assert.ok(Number.isNaN(halfToNumber(0x7e00)));
      assert.equal(bfloat16ToNumber(0x3f80), 1);
      assert.equal(bfloat16ToNumber(0xc0a0), -5);
    });

    it('writes floats as Python’s repr does', () => {
      const cases: Array<[number, string]> = [
        [1, '1.0'],
        [0.02, '0.02'],
        [1e-5, '1e-05'],
        [0.0001, '0.0001'],
        [123.5, '123.5'],
        [1e16, '1e+16'],
        [1234567890123456, '1234567890123456.0'],
        [-0.5, '-0.5'],
        [1.5e-7, '1.5e-07'],
        [0, '0.0'],
        [NaN, 'NaN'],
      ];
      for (const [x, s] of cases) assert.equal(pyFloat(x), s, String(x));
    });

    it('reads hparams.yaml: a non-mapping is refused, an empty document is empty', () => {
      assert.deepEqual(paramsFromHparamsYaml('- 1\n- 2\n'), { ok: false, why: 'the document is not a mapping' });
      assert.deepEqual(paramsFromHparamsYaml('# nothing\n'), { ok: 'empty' });
      assert.deepEqual(paramsFromHparamsYaml('{}\n'), { ok: true, params: {} });
      assert.deepEqual(paramsFromHparamsYaml('a: !!python/tuple [1, 2]\nb: "ü"\nc: ["ü"]\n'), {
        ok: true,
        params: { a: '[1,2]', b: 'ü', c: '["\\u00fc"]' },
      });
    });
  });
});

/** A value holding `tensor` with metadata plugin "scalars". */
function encodeTensorValue(
  tag: string,
  tensor: import('../../helpers/writers/tfevents').TensorSpec,
): import('../../helpers/writers/tfevents').ValueSpec {
  return { tag, tensor, metadata: { plugin: 'scalars' } };
}
