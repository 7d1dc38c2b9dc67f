import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isPlainObject } from '../../../src/core/flatten';
import { hfTrainerReader, parsePyJson } from '../../../src/core/readers/hfTrainer';
import { boundedScan, damage, seededRandom } from '../../helpers/fuzz';
import {
  pyFloat,
  trainerState,
  trainerStateJson,
  trainLogs,
  trainSummary,
  type LogEntry,
} from '../../helpers/writers/hf';

describe('hf-trainer reader under damaged input', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-hf-fuzz-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const history = (n: number): LogEntry[] => [
    ...trainLogs(
      Array.from({ length: n }, (_, i) => (i + 1) * 10),
      (s) => 1 / s,
    ),
    { epoch: pyFloat(1), eval_loss: pyFloat(NaN), eval_acc: pyFloat(Infinity), step: n * 10 },
    trainSummary(n * 10, 0.25),
  ];
  const a = Buffer.from(
    trainerStateJson(trainerState({ globalStep: 200, logHistory: history(20), trialParams: { lr: 1e-5 } })),
  );
  const b = Buffer.from(trainerStateJson(trainerState({ globalStep: 90, logHistory: history(9), legacy: true })));

  it('never throws on truncated, flipped or spliced trainer_state.json, and diagnoses what does not parse', async () => {
    const rand = seededRandom(0x5eed1);
    for (let i = 0; i < 150; i++) {
      const { bytes, how } = damage(a, b, rand);
      const dir = path.join(root, `case${i}`, 'checkpoint-200');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'trainer_state.json'), bytes);
      const r = await boundedScan(path.join(root, `case${i}`), { readers: [hfTrainerReader] });
      const parsed = parsePyJson(Buffer.from(bytes).toString('utf8'));
      const sound = parsed.ok && isPlainObject(parsed.value);
      if (!sound) {
        assert.equal(r.runs.length, 0, how);
        assert.ok(
          r.diagnostics.some((d) => d.path === 'checkpoint-200/trainer_state.json' && d.severity === 'error'),
          `no diagnostic: ${how}`,
        );
      } else {
        assert.equal(r.runs.length, 1, how);
        for (const m of Object.values(r.runs[0]!.metrics)) assert.ok(m.count >= 1, how);
      }
    }
  });

  it('reads a 100k-entry log_history within the bound', async () => {
    const entries: LogEntry[] = [];
    for (let s = 1; s <= 100_000; s++)
      entries.push({ epoch: pyFloat(s / 1000), learning_rate: pyFloat(1e-4), loss: pyFloat(1 / s), step: s });
    fs.writeFileSync(
      path.join(root, 'trainer_state.json'),
      trainerStateJson(trainerState({ globalStep: 100_000, logHistory: entries })),
    );
    const r = await boundedScan(root, { readers: [hfTrainerReader] });
    assert.deepEqual(r.runs[0]!.metrics.loss, { last: 1e-5, lastStep: 100_000, min: 1e-5, max: 1, count: 100_000 });
  });
});
