import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { READERS } from '../../../src/core/readers/index';
import { scanFolder, type ScanResult } from '../../../src/core/index/scan';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeGuildRun } from '../../helpers/writers/guild';

describe('guild reader', () => {
  let root: string;
  beforeEach(() => (root = makeTemp('runlens-guild-')));
  afterEach(() => rmTemp(root));
  const scan = (): Promise<ScanResult> => scanFolder(root, { readers: READERS });
  const ID = 'd2aafb4566df42c78865ad4283a3476c';

  it('reads a finished run: flags, label, op, times, exit status and the output scalars', async () => {
    writeGuildRun(root, '.guild', {
      id: ID,
      op: 'train',
      flags: { lr: 0.05, epochs: 3, model: { depth: 2 } },
      label: 'mylabel',
      started: 1796594617734106,
      stopped: 1796594633774040,
      exitStatus: 0,
      vcsCommit: 'git:5f4b2e1c0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f*',
      scalars: [
        ['loss', 0.05, 0],
        ['loss', 0.025, 1],
        ['loss', 0.016667, 2],
      ],
    });
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    // The event files in `.guild/` are also a TensorBoard logdir (the shared fixtures' expected files list them so).
    assert.deepEqual(r.runs.map((x) => `${x.format}:${x.path}`).sort(), [
      `guild:.guild/runs/${ID}`,
      `tensorboard:.guild/runs/${ID}/.guild`,
    ]);
    const run = r.runs.find((x) => x.format === 'guild')!;
    assert.equal(run.path, `.guild/runs/${ID}`);
    assert.equal(run.name, 'mylabel');
    assert.equal(run.experiment, 'train');
    assert.equal(run.status, 'finished');
    assert.equal(run.startTime, 1796594617734);
    assert.equal(run.endTime, 1796594633774);
    assert.deepEqual(run.params, { lr: 0.05, epochs: 3, 'model.depth': 2 });
    assert.deepEqual(run.git, {
      commit: '5f4b2e1c0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
      branch: null,
      dirty: true,
      remote: null,
    });
    assert.deepEqual(run.metrics.loss, {
      last: Math.fround(0.016667),
      lastStep: 2,
      min: Math.fround(0.016667),
      max: Math.fround(0.05),
      count: 3,
    });
    assert.equal(run.tags['guild.id'], ID);
    assert.equal(run.tags['guild.op'], 'train');
  });

  it('maps the run state as guild does: LOCK running, exit < 0 terminated, > 0 error, none an error', async () => {
    writeGuildRun(root, 'home', { id: 'a'.repeat(32), pid: 4242, started: 1796594617734106 });
    writeGuildRun(root, 'home', {
      id: 'b'.repeat(32),
      exitStatus: -15,
      started: 1796594617734106,
      stopped: 1796594627734106,
    });
    writeGuildRun(root, 'home', {
      id: 'c'.repeat(32),
      exitStatus: 1,
      started: 1796594617734106,
      stopped: 1796594627734106,
    });
    writeGuildRun(root, 'home', { id: 'd'.repeat(32), started: 1796594617734106 });
    const r = await scan();
    const status = Object.fromEntries(
      r.runs.filter((x) => x.format === 'guild').map((x) => [x.path.slice(-1), [x.status, x.name]]),
    );
    assert.deepEqual(status, {
      a: ['running', 'train aaaaaaaa'],
      b: ['killed', 'train bbbbbbbb'],
      c: ['failed', 'train cccccccc'],
      d: ['failed', 'train dddddddd'],
    });
  });

  it('diagnoses unreadable attributes and keeps the run', async () => {
    const dir = writeGuildRun(root, '.guild', { id: ID, flags: { lr: 0.1 }, exitStatus: 0 });
    fs.writeFileSync(path.join(dir, '.guild/attrs/flags'), 'lr: [0.1\n');
    const r = await scan();
    assert.equal(r.runs.length, 1);
    assert.deepEqual(r.runs[0]!.params, {});
    assert.equal(r.runs[0]!.format, 'guild');
    assert.deepEqual(
      r.diagnostics.map((d) => d.path),
      [`.guild/runs/${ID}/.guild/attrs/flags`],
    );
  });

  it('reads the real Guild runs of the shared fixtures (guildai test samples)', async function () {
    const real = path.join(process.env.RUNLENS_FIXTURES ?? '', 'other/guildai__guildai__dfbefed');
    if (!process.env.RUNLENS_FIXTURES || !fs.existsSync(real)) {
      console.log('      guild (shared fixtures): RUNLENS_FIXTURES not set or missing; skipped');
      this.skip();
    }
    const r = await scanFolder(real, { readers: READERS });
    const guild = r.runs.filter((x) => x.format === 'guild');
    assert.equal(guild.length, 9);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.message.startsWith('guild')),
      [],
    );
    const run = guild.find((x) => x.path.endsWith('/2dc1529ba06c46fda486395a61475dbe'))!;
    // exit_status -16 (terminated), label and flags as guild wrote them, times from µs.
    assert.deepEqual(
      [run.name, run.status, run.experiment, run.params],
      ['noise=0.1 x=1.1', 'killed', 'train', { noise: 0.1, x: 1.1 }],
    );
    assert.deepEqual([run.startTime, run.endTime], [1662041973884, 1662041974186]);
    assert.equal(Object.keys(run.metrics).length, 1);
  });
});
