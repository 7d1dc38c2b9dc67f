// The SSH source against a real OpenSSH server on loopback (started here with keys made here), running the built
// Runlens CLI on the "host" with node. Skipped, in one line, where no sshd can be had.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../../src/cli/workspace';
import type { WorkspaceIndex } from '../../../src/core/index';
import type { Run, Series } from '../../../src/core/model';
import { createSshSource, SshSource, type SshSourceOptions } from '../../../src/core/sources/ssh/sshSource';
import { shellWord } from '../../../src/core/sources/ssh/sshExec';
import { makeSampleWorkspace } from '../../helpers/sampleWorkspace';
import { findSshd, startSshd, type TestSshd } from '../../helpers/sshd';
import { makeTemp, rmTemp } from '../../helpers/tmp';

const BUNDLE = path.resolve(__dirname, '../../../../dist/cli.js');
const APPENDED = 'lightning_logs/version_0/metrics.csv';

describe('SSH source: runs on a host over a real sshd', function () {
  this.timeout(180_000);
  let sshd: TestSshd | undefined;
  let dir = '';
  let cacheHome = '';
  let local: WorkspaceIndex | undefined;
  const sources: SshSource[] = [];

  const source = (opts: SshSourceOptions = {}): SshSource => {
    const s = createSshSource(`ssh://${sshd!.host}${dir}`, {
      sshArgs: ['-F', sshd!.clientConfig],
      // The host's index cache (--cache) in the test's folder, not the login's ~/.cache.
      remoteCommand: `XDG_CACHE_HOME=${shellWord(cacheHome)} ${shellWord(process.execPath)} ${shellWord(BUNDLE)}`,
      ...opts,
    });
    sources.push(s);
    return s;
  };

  before(async function () {
    const suite = this.test!.parent!;
    const skip = (why: string): void => {
      suite.tests[0]!.title = `skipped: ${why}`;
      this.skip();
    };
    if (!fs.existsSync(BUNDLE)) return skip('no dist/cli.js (node scripts/build.mjs builds it; npm test does first)');
    const found = findSshd();
    if ('missing' in found) return skip(found.missing);
    sshd = await startSshd(found.sshd);
    dir = makeTemp('runlens-ssh-host-');
    cacheHome = makeTemp('runlens-ssh-cache-');
    await makeSampleWorkspace(dir);
  });

  after(async () => {
    for (const s of sources) s.dispose();
    local?.dispose();
    await sshd?.dispose();
    if (dir) rmTemp(dir);
    if (cacheHome) rmTemp(cacheHome);
  });

  it('gives the runs a local index of the same folder gives, with ids of its own and its source', async () => {
    const src = source();
    const snap = await src.refresh();
    local = await indexFolder(dir);
    const want = local.runs();
    assert.ok(want.length >= 10, `the sample workspace has runs (${want.length})`);
    assert.equal(snap.runs.length, want.length);
    const prefix = /^ssh-[0-9a-f]{6}-/;
    for (const r of snap.runs) {
      assert.match(r.id, prefix);
      assert.equal((r as Run & { source?: string }).source, `ssh://${sshd!.host}${dir}`);
    }
    assert.deepEqual(sortRuns(snap.runs.map((r) => hostRun(r, prefix))), sortRuns(want));
    assert.deepEqual(snap.diagnostics, local.diagnostics());
    assert.equal(src.lastTransfer?.sent, want.length, 'the first read sends every run');
    assert.equal(fs.readdirSync(path.join(cacheHome, 'runlens', 'index')).length, 1, 'the host kept its index');
  });

  it('is a source like any other: --source ssh://…?command=…&config=… puts the host runs beside the folder', async () => {
    const command = `XDG_CACHE_HOME=${shellWord(cacheHome)} ${shellWord(process.execPath)} ${shellWord(BUNDLE)}`;
    const uri =
      `ssh://${sshd!.host}${dir}?command=${encodeURIComponent(command)}` +
      `&config=${encodeURIComponent(sshd!.clientConfig)}`;
    const here = makeTemp('runlens-ssh-local-');
    const hostFolder = await indexFolder(dir);
    const ix = await indexFolder(here, { sources: [uri] });
    try {
      const runs = ix.runs();
      assert.equal(runs.length, hostFolder.runs().length, 'every run of the host, none of the (empty) folder');
      for (const r of runs) assert.equal(r.source, `ssh://${sshd!.host}${dir}`);
      const withCurve = runs.find((r) => Object.values(r.metrics).some((m) => m.count > 1));
      assert.ok(withCurve, 'a run with a curve');
      const key = Object.keys(withCurve.metrics).find((k) => withCurve.metrics[k]!.count > 1)!;
      const [series] = await ix.readSeries(withCurve.id, [key]);
      assert.equal(series?.values.length, withCurve.metrics[key]!.count, 'the curve read through the index, whole');
    } finally {
      ix.dispose();
      hostFolder.dispose();
      rmTemp(here);
    }
  });

  it('follows an append: only the changed run crosses, and its curve only the new points', async () => {
    const src = source();
    const first = await src.refresh();
    const firstBytes = src.lastTransfer!.bytesIn;
    const lightning = first.runs.find((r) => r.path === 'lightning_logs/version_0')!;
    assert.ok(lightning, 'the Lightning run is there');
    const before = await src.readSeries(lightning, ['train_loss_step']);
    assert.equal(before[0]!.values.length, lightning.metrics.train_loss_step!.count);

    // Nothing changed: nothing but the token and the ids comes back.
    await src.refresh();
    assert.equal(src.lastTransfer!.sent, 0);

    // Lightning's CSVLogger appends rows: two more steps of train_loss_step.
    fs.appendFileSync(path.join(dir, APPENDED), '8,329,,0.125,,\r\n8,339,,0.0625,,\r\n');
    const next = await src.refresh();
    assert.equal(src.lastTransfer!.sent, 1, 'only the appended run is sent whole');
    // The same with the host indexing from scratch (no cache): the token alone finds the change.
    const noCache = source({ hostCache: false });
    assert.deepEqual(sortRuns((await noCache.refresh()).runs), sortRuns(next.runs));
    assert.equal(src.lastTransfer!.total, first.runs.length);
    assert.ok(
      src.lastTransfer!.bytesIn * 4 < firstBytes,
      `the refresh moved ${src.lastTransfer!.bytesIn} bytes against ${firstBytes} for the first read`,
    );
    const grown = next.runs.find((r) => r.id === lightning.id)!;
    assert.equal(grown.metrics.train_loss_step!.count, lightning.metrics.train_loss_step!.count + 2);
    assert.equal(grown.metrics.train_loss_step!.last, 0.0625);
    // The other runs are the same objects as before (kept, not sent again).
    const untouched = first.runs.find((r) => r.id !== lightning.id)!;
    assert.equal(
      next.runs.find((r) => r.id === untouched.id),
      untouched,
    );

    const after = await src.readSeries(grown, ['train_loss_step']);
    assert.equal(src.lastTransfer!.verb, 'series');
    assert.equal(src.lastTransfer!.sent, 2, 'only the two appended points were sent');
    local?.dispose();
    local = await indexFolder(dir);
    const hostId = lightning.id.replace(/^ssh-[0-9a-f]{6}-/, '');
    const want = await local.readSeries(hostId, ['train_loss_step']);
    assertSameCurves(after, want);
    assert.equal(after[0]!.runId, lightning.id);
  });

  it('keeps working for a caller that keeps the last runs when the host goes away', async () => {
    const src = source({ connectTimeoutS: 5 });
    let shown = (await src.refresh()).runs;
    const run = shown.find((r) => r.path === 'lightning_logs/version_1')!;
    const curves = await src.readSeries(run, ['val_loss']);
    await sshd!.stop();
    await assert.rejects(src.refresh(), (e: Error) => {
      assert.match(e.message, /cannot reach the host: .*(refused|closed|reset)/i);
      assert.ok(e.message.startsWith(`ssh://${sshd!.host}`), e.message);
      return true;
    });
    // The caller's way of keeping the last runs: a rejected refresh leaves them as they were.
    shown = await src.refresh().then(
      (s) => s.runs,
      () => shown,
    );
    assert.ok(shown.some((r) => r.id === run.id));
    // Curves already read stay readable without the host.
    assert.deepEqual(await src.readSeries(run, ['val_loss']), curves);
  });
});

describe('SSH source: what goes wrong on the host', function () {
  this.timeout(120_000);
  let sshd: TestSshd | undefined;
  let dir = '';
  const sources: SshSource[] = [];
  const source = (remoteCommand: string, opts: SshSourceOptions = {}): SshSource => {
    const s = createSshSource(`ssh://${sshd!.host}${dir}`, {
      sshArgs: ['-F', sshd!.clientConfig],
      remoteCommand,
      ...opts,
    });
    sources.push(s);
    return s;
  };

  before(async function () {
    const found = findSshd();
    if ('missing' in found) {
      this.test!.parent!.tests[0]!.title = `skipped: ${found.missing}`;
      return this.skip();
    }
    sshd = await startSshd(found.sshd);
    dir = makeTemp('runlens-ssh-host-');
  });

  after(async () => {
    for (const s of sources) s.dispose();
    await sshd?.dispose();
    if (dir) rmTemp(dir);
  });

  it('says how to install the CLI when the host has none', async () => {
    await assert.rejects(source('runlens-not-installed-here').refresh(), (e: Error) => {
      assert.match(e.message, /Runlens CLI was not found on the host/);
      assert.match(e.message, /npm install -g runlens/);
      assert.match(e.message, /remoteCommand/);
      return true;
    });
  });

  it('refuses output that is not the contract, naming what it got', async () => {
    await assert.rejects(source('echo "Welcome to the cluster!" #').refresh(), (e: Error) => {
      assert.match(
        e.message,
        /output Runlens cannot read: the reply is not JSON \(it starts "Welcome to the cluster!"\)/,
      );
      return true;
    });
  });

  it('stops a host that does not answer in time', async () => {
    const started = Date.now();
    await assert.rejects(source('sleep 60;', { timeoutMs: 1500 }).refresh(), /no answer within 2 s/);
    assert.ok(Date.now() - started < 30_000);
  });

  it('passes on what the CLI on the host said when it failed', async () => {
    const s = createSshSource(`ssh://${sshd!.host}${dir}/nowhere`, {
      sshArgs: ['-F', sshd!.clientConfig],
      remoteCommand: `${shellWord(process.execPath)} ${shellWord(BUNDLE)}`,
    });
    sources.push(s);
    if (!fs.existsSync(BUNDLE)) return;
    await assert.rejects(s.refresh(), /failed on the host \(exit 1\): runlens: no such folder/);
  });

  it('names a key the host refuses (BatchMode: no prompt, a message)', async () => {
    const other = makeTemp('runlens-ssh-key-');
    try {
      const cfg = fs
        .readFileSync(sshd!.clientConfig, 'utf8')
        .replace(/IdentityFile .*/, `IdentityFile ${path.join(other, 'none')}`);
      fs.writeFileSync(path.join(other, 'config'), cfg);
      const s = createSshSource(`ssh://${sshd!.host}${dir}`, { sshArgs: ['-F', path.join(other, 'config')] });
      sources.push(s);
      await assert.rejects(s.refresh(), /cannot reach the host: .*Permission denied/);
    } finally {
      rmTemp(other);
    }
  });
});

/** A run of the source as the host's index has it: its own id and parent, no source. */
function hostRun(r: Run, prefix: RegExp): Run {
  const { source: _source, ...rest } = r as Run & { source?: string };
  return { ...rest, id: r.id.replace(prefix, ''), parentId: r.parentId?.replace(prefix, '') ?? null };
}

function sortRuns(runs: readonly Run[]): Run[] {
  return [...runs].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function assertSameCurves(got: readonly Series[], want: readonly Series[]): void {
  assert.equal(got.length, want.length);
  for (const [i, w] of want.entries()) {
    const g = got[i]!;
    assert.equal(g.key, w.key);
    assert.deepEqual([...g.steps], [...w.steps]);
    assert.deepEqual([...g.values], [...w.values]);
    assert.deepEqual([...g.times], [...w.times]);
  }
}
