import assert from 'node:assert/strict';
import * as path from 'node:path';
import { CurveSource } from '../../../src/core/compare/curveSource';
import { WorkspaceIndex } from '../../../src/core/index';
import type { Run } from '../../../src/core/model';
import { resolveMlflowTarget } from '../../../src/core/sources/mlflow/mlflowAuth';
import { MlflowServerSource, type MlflowServerOptions } from '../../../src/core/sources/mlflow/mlflowServer';
import {
  mlflowServerPython,
  runPython,
  startFaultProxy,
  startMlflowServer,
  type RunningServer,
} from '../../helpers/mlflowServer';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { sourceCells } from '../../../src/vscode/sourceBadge';
import { attachSources } from '../../../src/core/sources/attach';
import { openSource } from '../../../src/core/sources/registry';
import { STAND_IN_TOKEN, startDatabricksStandIn, type StandIn } from '../../helpers/databricksStandIn';
import { cellText, cellTitle } from '../../../webview/table/cells';
import * as fs from 'node:fs';

/**
 * The MLflow tracking server source against a REAL `mlflow server` (SQLite backend; mlflowServerAuth.test.ts: its basic-auth app),
 * runs logged by the real MLflow client (test/python/writers/mlflow_server_runs.py writes what it logged): the runs,
 * params, latest metrics and curves Runlens reads must equal them. Faults come from the real server stopped, a wrong
 * password, and a proxy of ours (delays, 503, a page that is not JSON). Without Python the suite is one skipped line.
 */
const WRITER = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'python', 'writers', 'mlflow_server_runs.py');

interface LoggedRun {
  id: string;
  name: string;
  experiment: string;
  status: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  commit: string;
  parent: string | null;
  metrics: Record<string, { steps: number[]; values: number[] }>;
}

const FAST: MlflowServerOptions = { runsPage: 2, historyPage: 1000, http: { attempts: 2, backoffMs: 50 } };

async function source(
  url: string,
  opts: MlflowServerOptions = FAST,
  env: NodeJS.ProcessEnv = {},
): Promise<MlflowServerSource> {
  return new MlflowServerSource(await resolveMlflowTarget(`mlflow+${url}`, { env }), opts);
}

function mlflowId(r: Run): string {
  return r.path.slice(r.path.indexOf('/') + 1);
}

describe('MLflow tracking server source (a real mlflow server)', function () {
  this.timeout(10 * 60_000);
  let python = '';
  let tmp = '';
  let server: RunningServer | undefined;
  let expectedFile = '';
  const expected = (): LoggedRun[] => (JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as { runs: LoggedRun[] }).runs;

  before(async function () {
    const py = mlflowServerPython();
    if ('error' in py) {
      this.test!.parent!.tests[0]!.title = `skipped: no MLflow server environment (${py.error})`;
      return this.skip();
    }
    python = py.python;
    tmp = makeTemp('runlens-mlflow-server-');
    server = await startMlflowServer(python, tmp);
    expectedFile = path.join(tmp, 'expected.json');
    await runPython(python, [WRITER, server.url, expectedFile]);
  });

  after(async () => {
    await server?.stop();
    if (tmp) rmTemp(tmp);
  });

  it('reads the runs, params, tags, latest metrics and git commits that were logged', async () => {
    const src = await source(server!.url);
    const { runs, diagnostics } = await src.refresh();
    assert.deepEqual(diagnostics, []);
    const logged = expected();
    assert.equal(runs.length, logged.length);
    const byMlflowId = new Map(runs.map((r) => [mlflowId(r), r]));
    for (const e of logged) {
      const r = byMlflowId.get(e.id);
      assert.ok(r, `run ${e.name} read`);
      assert.equal(r.name, e.name);
      assert.equal(r.experiment, e.experiment);
      assert.equal(r.status, e.status);
      assert.equal(r.format, 'mlflow');
      assert.equal(r.source, `mlflow+${server!.url}`);
      assert.deepEqual(r.params, e.params);
      for (const [k, v] of Object.entries(e.tags)) assert.equal(r.tags[k], v);
      assert.equal(r.git.commit, e.commit);
      assert.equal(r.parentId, e.parent ? byMlflowId.get(e.parent)!.id : null);
      for (const [k, m] of Object.entries(e.metrics)) {
        assert.equal(r.metrics[k]?.last, m.values.at(-1), `${e.name} ${k} last`);
        assert.equal(r.metrics[k]?.lastStep, m.steps.at(-1));
      }
      // Ids carry the source's prefix: every run of one server starts with the same 4 hex digits.
      assert.equal(r.id.slice(0, 4), runs[0]!.id.slice(0, 4));
    }
  });

  it('reads full curves on demand, paging through metrics/get-history', async () => {
    const src = await source(server!.url);
    const { runs } = await src.refresh();
    for (const e of expected()) {
      const run = runs.find((r) => mlflowId(r) === e.id)!;
      const series = await src.readSeries(run, undefined);
      assert.deepEqual(series.map((s) => s.key).sort(), Object.keys(e.metrics).sort());
      for (const s of series) {
        assert.deepEqual([...s.steps], e.metrics[s.key]!.steps, `${e.name} ${s.key} steps`);
        assert.deepEqual([...s.values], e.metrics[s.key]!.values, `${e.name} ${s.key} values`);
      }
    }
    const long = expected().find((e) => e.name === 'baseline-long')!;
    assert.equal(long.metrics.loss!.steps.length, 2600, 'the long curve spans three get-history pages of 1000');
  });

  it('samples curves with get-history-bulk-interval: points that were logged, first and last kept; short curves whole', async () => {
    const proxy = await startFaultProxy(server!.url);
    const src = await source(proxy.url, { ...FAST, sampledPoints: 100 });
    try {
      const { runs } = await src.refresh();
      proxy.requests.length = 0;
      const sampled = (await src.readSampledSeries(runs, 'loss'))!;
      assert.deepEqual(
        proxy.requests.filter((r) => r.includes('metrics/')).map((r) => r.split('?')[0]),
        ['GET /api/2.0/mlflow/metrics/get-history-bulk-interval'],
        'one call for every run',
      );
      const logged = new Map(expected().map((e) => [e.id, e]));
      assert.equal(sampled.length, expected().filter((e) => e.metrics.loss).length);
      for (const s of sampled) {
        const e = logged.get(mlflowId(runs.find((r) => r.id === s.runId)!))!;
        const { steps, values } = e.metrics.loss!;
        const at = new Map(steps.map((st, i) => [st, values[i]!]));
        for (let i = 0; i < s.steps.length; i++)
          assert.equal(at.get(s.steps[i]!), s.values[i], `${e.name}: step ${s.steps[i]} was logged with this value`);
        assert.ok(s.steps.length <= 100);
        assert.equal(s.steps[0], steps[0], `${e.name}: the first step is kept`);
        assert.equal(s.steps.at(-1), Math.max(...steps), `${e.name}: the last step is kept`);
        assert.equal(s.partial, steps.length >= 100, `${e.name}: ${steps.length} points logged`);
        if (!s.partial) assert.deepEqual([...s.steps], steps, `${e.name}: a short curve comes whole`);
      }
      const long = sampled.find((s) => s.partial)!;
      assert.equal(long.steps.length, 100, 'the 2,600-point curve is sampled to 100 points');
    } finally {
      src.dispose();
      await proxy.close();
    }
  });

  it("through the index and the compare view's curves: the sample first, then the whole curve replacing it", async () => {
    const ws = makeTemp('runlens-empty-ws-');
    const index = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
    const curves = new CurveSource(index);
    try {
      await index.setSources([await source(server!.url, { ...FAST, sampledPoints: 100 })]);
      await index.refreshSources();
      const long = index.runs().find((r) => r.name === 'baseline-long')!;
      const short = index.runs().find((r) => r.name === 'baseline-main')!;
      const completed = new Promise<string>((resolve) => curves.onCompleted(resolve));
      const first = await curves.curves([long.id, short.id], ['loss'], {
        xAxis: 'step',
        maxPoints: 5000,
        smoothing: 0,
      });
      const e = expected().find((x) => x.name === 'baseline-long')!.metrics.loss!;
      assert.deepEqual(
        first.map((c) => [c.runId, c.partial ?? false, c.total]),
        [
          [long.id, true, 100],
          [short.id, false, expected().find((x) => x.name === 'baseline-main')!.metrics.loss!.steps.length],
        ],
      );
      assert.equal(await completed, long.id, 'told when the whole curve is there');
      const [whole] = await curves.curves([long.id], ['loss'], { xAxis: 'step', maxPoints: 5000, smoothing: 0 });
      assert.equal(whole!.partial, undefined);
      assert.deepEqual([...whole!.x], e.steps);
      assert.deepEqual([...whole!.y], e.values);
    } finally {
      curves.dispose();
      index.dispose();
      rmTemp(ws);
    }
  });

  it('a server without the bulk-interval endpoint (404): whole curves at once, and it is not asked again', async () => {
    const proxy = await startFaultProxy(server!.url);
    proxy.faults.notFoundFor = 'get-history-bulk-interval';
    const ws = makeTemp('runlens-empty-ws-');
    const index = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
    const curves = new CurveSource(index);
    try {
      await index.setSources([await source(proxy.url, { ...FAST, sampledPoints: 100 })]);
      await index.refreshSources();
      const long = index.runs().find((r) => r.name === 'baseline-long')!;
      const e = expected().find((x) => x.name === 'baseline-long')!.metrics.loss!;
      const [c] = await curves.curves([long.id], ['loss'], { xAxis: 'step', maxPoints: 5000, smoothing: 0 });
      assert.equal(c!.partial, undefined);
      assert.deepEqual([...c!.y], e.values);
      const accuracy = await curves.curves([long.id], ['accuracy'], { xAxis: 'step', maxPoints: 5000, smoothing: 0 });
      assert.equal(accuracy.length, 1);
      assert.equal(proxy.requests.filter((r) => r.includes('bulk-interval')).length, 1, 'asked once');
    } finally {
      curves.dispose();
      index.dispose();
      rmTemp(ws);
      await proxy.close();
    }
  });

  it('shows the source beside the workspace in the index: a source column, curves through the facade', async () => {
    const ws = makeTemp('runlens-empty-ws-');
    const index = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
    try {
      await index.indexAll();
      await index.setSources([await source(server!.url)]);
      const change = await index.refreshSources();
      assert.equal(change.changed.length, expected().length);
      const q = index.query('SELECT source, count(*) FROM runs GROUP BY source');
      assert.deepEqual(q.rows, [[`mlflow+${server!.url}`, expected().length]]);
      const run = index.runs().find((r) => r.name === 'baseline-main')!;
      assert.equal(index.resolveRun(run.id).run?.source, `mlflow+${server!.url}`);
      const series = await index.readSeries(run.id, ['loss']);
      assert.deepEqual(
        [...series[0]!.values],
        expected().find((e) => e.name === 'baseline-main')!.metrics.loss!.values,
      );
      assert.equal(index.absPath(run), undefined, 'a remote run has no folder here');
      assert.deepEqual(
        index.sources().map((s) => [s.reachable, s.runs]),
        [[true, expected().length]],
      );
    } finally {
      index.dispose();
      rmTemp(ws);
    }
  });

  it('refreshes incrementally: new runs, and the runs still running, only', async () => {
    const proxy = await startFaultProxy(server!.url);
    const src = await source(proxy.url);
    try {
      const first = await src.refresh();
      assert.equal(first.runs.find((r) => r.name === 'still-training')?.status, 'running');
      await runPython(python, [WRITER, server!.url, expectedFile, '--more']);
      proxy.requests.length = 0;
      const second = await src.refresh();
      const bodies = proxy.requests.join('\n');
      assert.ok(
        second.runs.find((r) => r.name === 'late-arrival'),
        'the new run is read',
      );
      const done = second.runs.find((r) => r.name === 'still-training')!;
      assert.equal(done.status, 'finished');
      assert.equal(
        done.metrics.loss?.last,
        expected()
          .find((e) => e.name === 'still-training')!
          .metrics.loss!.values.at(-1),
      );
      assert.equal(second.runs.length, expected().length);
      assert.ok(bodies.includes('runs/search'), bodies);
    } finally {
      src.dispose();
      await proxy.close();
    }
  });

  it('retries a 503 and a slow answer, and says so clearly when the server stays slow', async () => {
    const proxy = await startFaultProxy(server!.url);
    try {
      proxy.faults.status = 503;
      proxy.faults.times = 1;
      const ok = await (await source(proxy.url)).refresh();
      assert.equal(ok.runs.length, expected().length, 'one 503 is retried');
      proxy.faults.status = undefined;
      proxy.faults.delayMs = 1500;
      const slow = await source(proxy.url, { ...FAST, http: { attempts: 2, backoffMs: 10, timeoutMs: 300 } });
      await assert.rejects(slow.refresh(), /failed after 2 attempts: no answer within the time limit/);
      const patient = await source(proxy.url, { ...FAST, http: { attempts: 2, backoffMs: 10, timeoutMs: 20_000 } });
      assert.equal((await patient.refresh()).runs.length, expected().length, 'a slow server within the limit is read');
    } finally {
      await proxy.close();
    }
  });

  it('a page of garbage JSON is a problem of the source, not a crash; its last runs stay', async () => {
    const proxy = await startFaultProxy(server!.url);
    const ws = makeTemp('runlens-empty-ws-');
    const index = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
    try {
      await index.indexAll();
      await index.setSources([await source(proxy.url)]);
      await index.refreshSources();
      const before = index.runs().length;
      assert.equal(before, expected().length);
      proxy.faults.garbageFor = 'runs/search';
      await index.refreshSources();
      assert.equal(index.runs().length, before, 'the last known runs are kept');
      const d = index.diagnostics().find((x) => x.path === `mlflow+${proxy.url}`);
      assert.match(
        d?.message ?? '',
        /runs\/search answered with a page that is not JSON: .*; showing its runs as of 20/,
      );
      assert.equal(index.sources()[0]!.reachable, false);
      proxy.faults.garbageFor = undefined;
      await index.refreshSources();
      assert.equal(
        index.diagnostics().find((x) => x.path === `mlflow+${proxy.url}`),
        undefined,
        'cleared once read',
      );
    } finally {
      index.dispose();
      rmTemp(ws);
      await proxy.close();
    }
  });

  describe('a Databricks workspace (a loopback stand-in in front of the real server: tokens, its errors, 429)', () => {
    let standIn: StandIn | undefined;
    const env = (): NodeJS.ProcessEnv => ({ DATABRICKS_HOST: standIn!.url, DATABRICKS_TOKEN: STAND_IN_TOKEN });
    const workspace = async (e: NodeJS.ProcessEnv, opts: MlflowServerOptions = FAST): Promise<MlflowServerSource> =>
      new MlflowServerSource(await resolveMlflowTarget('databricks', { env: e }), opts);

    beforeEach(async () => {
      standIn = await startDatabricksStandIn(server!.url);
    });
    afterEach(async () => {
      await standIn?.close();
    });

    it('DATABRICKS_HOST and DATABRICKS_TOKEN: the `databricks`, `mlflow` and URL forms read the runs and curves', async () => {
      for (const uri of ['databricks', 'mlflow', `mlflow+${standIn!.url}`]) {
        const src = await openSource(uri, { env: env() });
        try {
          assert.equal(src.id, `mlflow+${standIn!.url}`, uri);
          assert.equal((await src.refresh()).runs.length, expected().length, uri);
        } finally {
          src.dispose();
        }
      }
      const ws = makeTemp('runlens-empty-ws-');
      const index = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
      try {
        await attachSources(index, ['databricks'], { env: env() });
        const long = index.runs().find((r) => r.name === 'baseline-long')!;
        const e = expected().find((x) => x.name === 'baseline-long')!.metrics.loss!;
        const [sampled] = await index.readSampledSeries([long.id], ['loss']);
        assert.ok(sampled?.partial && sampled.steps.length < e.steps.length, 'sampled through the workspace');
        const [whole] = await index.readSeries(long.id, ['loss']);
        assert.deepEqual([...whole!.values], e.values);
      } finally {
        index.dispose();
        rmTemp(ws);
      }
      assert.deepEqual(
        standIn!.calls.filter((c) => c.status !== 200),
        [],
        'every call carried the token and was answered',
      );
    });

    it('a wrong token (403) and none (401): clear messages, saying where the token came from', async () => {
      await assert.rejects(
        (await workspace({ ...env(), DATABRICKS_TOKEN: `dapi${'f'.repeat(32)}` })).refresh(),
        /403 Forbidden — the user may not read experiments, or the credentials from DATABRICKS_HOST\/DATABRICKS_TOKEN were refused: Invalid access token\./,
      );
      await assert.rejects(
        (await workspace({ DATABRICKS_HOST: standIn!.url })).refresh(),
        /401 Unauthorized — the server asks for credentials; .*: Credential was not sent/,
      );
    });

    it('429 REQUEST_LIMIT_EXCEEDED: Retry-After is waited for, then the runs are read; a lasting limit is said', async () => {
      standIn!.controls.throttle = 2;
      standIn!.controls.retryAfterS = 1;
      const src = await workspace(env(), { ...FAST, http: { attempts: 4, backoffMs: 10 } });
      assert.equal((await src.refresh()).runs.length, expected().length);
      const [a, b, c] = standIn!.calls;
      assert.deepEqual([a!.status, b!.status, c!.status], [429, 429, 200]);
      assert.ok(b!.at - a!.at >= 900 && c!.at - b!.at >= 900, 'Retry-After (1 s) waited, not the 10 ms back-off');
      standIn!.controls.throttle = 10;
      standIn!.controls.retryAfterS = 0;
      await assert.rejects(
        (await workspace(env(), { ...FAST, http: { attempts: 2, backoffMs: 10 } })).refresh(),
        /experiments\/search failed after 2 attempts: 429 Too Many Requests: The workspace has exceeded its request limit/,
      );
    });

    it('a workspace without get-history-bulk-interval (404 ENDPOINT_NOT_FOUND): whole curves, not asked again', async () => {
      standIn!.controls.bulkInterval = false;
      const src = await workspace(env(), { ...FAST, sampledPoints: 100 });
      const { runs } = await src.refresh();
      assert.equal(await src.readSampledSeries(runs, 'loss'), undefined);
      assert.equal(await src.readSampledSeries(runs, 'accuracy'), undefined);
      assert.equal(standIn!.calls.filter((c) => c.path.endsWith('bulk-interval')).length, 1);
      const long = runs.find((r) => r.name === 'baseline-long')!;
      const [whole] = await src.readSeries(long, ['loss']);
      assert.equal(whole!.steps.length, 2600);
    });
  });

  // Last (suites run after the tests, in order): it stops the server.
  describe('the server gone', () => {
    it('the server stopped mid-refresh: the index keeps the last runs, marked "as of", and the folder\'s runs work', async () => {
      const proxy = await startFaultProxy(server!.url);
      const ws = makeTemp('runlens-empty-ws-');
      const index = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
      try {
        await index.setSources([await source(proxy.url)]);
        await index.refreshSources();
        const asOf = index.sources()[0]!.asOf!;
        proxy.faults.delayMs = 400;
        const pending = index.refreshSources();
        while (!proxy.requests.some((r) => r.includes('runs/search'))) await new Promise((r) => setTimeout(r, 20));
        await server!.stop();
        server = undefined;
        await pending;
        assert.equal(index.runs().length, expected().length);
        const status = index.sources()[0]!;
        assert.equal(status.reachable, false);
        assert.equal(status.asOf, asOf);
        assert.match(status.error ?? '', /cannot connect \(ECONNREFUSED\)|bad gateway|502/);
        const d = index.diagnostics().find((x) => x.path === `mlflow+${proxy.url}`);
        assert.ok(d?.message.includes(`as of ${new Date(asOf).toISOString()}`), d?.message);
        // The runs table's source cell says it too: the badge with "as of", the reason in its tooltip.
        const sources = new Map(sourceCells(index.sources()).map((c) => [c.id, c]));
        const col = { id: 'source', label: 'source', kind: 'run' } as const;
        const value = index.runs()[0]!.source!;
        const clock = new Date(asOf).toTimeString().slice(0, 5);
        assert.equal(cellText(col, value, sources), `☁ 127.0.0.1:${proxy.url.split(':').pop()} · as of ${clock}`);
        const title = cellTitle(col, value, '', sources);
        assert.ok(title.startsWith(`${value}\nunreachable: `), title);
        assert.ok(title.endsWith(`runs as of ${new Date(asOf).toLocaleString()}`), title);
      } finally {
        index.dispose();
        rmTemp(ws);
        await proxy.close();
      }
    });
  });
});
