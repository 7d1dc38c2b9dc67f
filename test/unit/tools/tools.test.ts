// The tool layer on a real index (MLflow files written by the test writer): caps, notes of what was cut, quoting.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../../src/core/index';
import { callTool, ToolInputError, TOOLS, type ToolSource } from '../../../src/core/tools';
import { MAX_TEXT_CHARS } from '../../../src/core/tools/result';
import { cleanText, quoted } from '../../../src/core/tools/untrusted';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeMlflowStore } from '../../helpers/writers/mlflowFiles';

describe('agent tools (core)', () => {
  let root: string;
  let store: WorkspaceIndex;
  let source: ToolSource;
  const wide = 'a'.repeat(32);

  before(async () => {
    root = makeTemp();
    const params: Record<string, string> = {};
    for (let i = 0; i < 300; i++) params[`p${String(i).padStart(3, '0')}`] = 'x'.repeat(150);
    const runs = Array.from({ length: 60 }, (_, i) => ({
      id: i.toString(16).padStart(32, '0'),
      runName: `run-${i}`,
      params: { lr: String(i / 100) },
      metrics: { val_loss: [[1_700_000_000_000, 1 / (i + 1), 0]] as [number, number, number][] },
    }));
    writeMlflowStore(root, 'mlruns', [{ id: '1', name: 'e', runs: [...runs, { id: wide, runName: 'wide', params }] }]);
    store = await WorkspaceIndex.open([{ path: root, name: 'root' }], { workers: 0 });
    await store.indexAll();
    source = { runs: () => store.runs(), store };
  });
  after(() => {
    store.dispose();
    rmTemp(root);
  });
  it('query_runs stops a runaway query at the time limit and says so; the tool layer goes on answering', async () => {
    const limited: ToolSource = { ...source, sqlTimeLimitMs: 500 };
    const t0 = Date.now();
    await assert.rejects(
      callTool(limited, 'query_runs', {
        sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c',
      }),
      (e: unknown) => e instanceof ToolInputError && /query stopped after 0\.5 s/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 5000, `stopped after ${Date.now() - t0} ms`);
    const r = await callTool(limited, 'query_runs', { sql: 'SELECT count(*) AS n FROM runs' });
    assert.match(r.text, /\| 61 \|/);
  });

  it('list_runs takes a filter expression as the Runs view does, and plain text as a substring', async () => {
    const r = await callTool(source, 'list_runs', { filter: 'params.lr >= 0.5', limit: 200 });
    assert.equal((r.data as { runs: unknown[] }).runs.length, 10);
    const t = await callTool(source, 'list_runs', { filter: 'run-5', limit: 200 });
    const names = (t.data as { runs: Array<{ name: string }> }).runs.map((x) => x.name).sort();
    assert.deepEqual(names, ['run-5', ...Array.from({ length: 10 }, (_, i) => `run-5${i}`)]);
  });

  it('every tool has a unique name, a description for a model and an object schema whose required keys exist', () => {
    assert.equal(new Set(TOOLS.map((t) => t.name)).size, TOOLS.length);
    for (const t of TOOLS) {
      assert.ok(t.description.length > 80, t.name);
      for (const k of t.inputSchema.required ?? []) assert.ok(k in t.inputSchema.properties, `${t.name}.${k}`);
    }
    assert.deepEqual(
      TOOLS.filter((t) => t.expensive).map((t) => t.name),
      ['query_runs'],
    );
  });

  it('show_run keeps 150 params of 300 and the text under the cap, saying what was cut', async () => {
    const r = await callTool(source, 'show_run', { run: 'wide' });
    const data = r.data as { params: Record<string, string>; cut: string[] };
    assert.equal(Object.keys(data.params).length, 150);
    assert.ok(
      data.cut.some((c) => c.startsWith('showing 150 of 300 params')),
      data.cut.join('; '),
    );
    assert.ok(data.cut.includes(`text cut at ${MAX_TEXT_CHARS} characters`));
    assert.ok(r.text.length <= MAX_TEXT_CHARS, String(r.text.length));
    assert.match(r.text, /_Cut: the result was longer than 24000 characters/);
  });

  it('list_runs cuts to its limit, best first by a metric', async () => {
    const r = await callTool(source, 'list_runs', { metric: 'val_loss', limit: 10 });
    const runs = (r.data as { runs: Array<{ name: string }> }).runs;
    assert.deepEqual(
      runs.slice(0, 3).map((x) => x.name),
      ['run-59', 'run-58', 'run-57'],
    );
    assert.equal(runs.length, 10);
    assert.match(r.text, /_Cut: showing 10 of 61 runs/);
  });

  it('refuses arguments outside the schema with ToolInputError', async () => {
    await assert.rejects(callTool(source, 'list_runs', { limit: 5000 }), ToolInputError);
    await assert.rejects(callTool(source, 'list_runs', { format: 'csv' }), /"format" must be one of/);
    await assert.rejects(callTool(source, 'show_run', {}), /"run" is required/);
    await assert.rejects(callTool(source, 'show_run', { run: 'nope' }), /no run "nope"/);
    await assert.rejects(callTool(source, 'query_runs', { sql: 'SELECT 1; DROP TABLE runs' }), /one statement/);
    await assert.rejects(callTool(source, 'list_runs', []), /must be an object/);
  });

  it('quotes run strings as JSON literals, without hidden characters, cut to 200 characters', () => {
    assert.equal(quoted('a "b"\n\u0007c\u200bd'), '"a \\"b\\"  c d"');
    assert.equal([...cleanText('é'.repeat(500))].length, 200);
    assert.ok(cleanText('x'.repeat(500)).endsWith('…'));
  });
});

describe('languageModelTools in package.json', () => {
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
    contributes: {
      languageModelTools: Array<{
        name: string;
        modelDescription: string;
        inputSchema: unknown;
        toolReferenceName: string;
        canBeReferencedInPrompt: boolean;
        displayName: string;
      }>;
    };
  };
  const declared = pkg.contributes.languageModelTools;

  it('declares every core tool as runlens_<name>, with its description for the model and its schema', () => {
    assert.deepEqual(
      declared.map((t) => t.name),
      TOOLS.map((t) => `runlens_${t.name}`),
    );
    for (const [i, t] of TOOLS.entries()) {
      assert.equal(declared[i]!.modelDescription, t.description, t.name);
      assert.deepEqual(declared[i]!.inputSchema, t.inputSchema, t.name);
    }
  });

  it('lets users reference each tool with #runlens…', () => {
    assert.ok(
      declared.every(
        (t) => t.canBeReferencedInPrompt && /^runlens[A-Z]?\w*$/.test(t.toolReferenceName) && t.displayName,
      ),
    );
    assert.equal(declared.find((t) => t.name === 'runlens_list_runs')?.toolReferenceName, 'runlens');
    assert.equal(new Set(declared.map((t) => t.toolReferenceName)).size, declared.length);
  });
});
