#!/usr/bin/env node
// `runlens mcp` start-up: from spawning `node dist/cli.js mcp <sample workspace>` to the answer to tools/list (after
// initialize), over raw JSON-RPC lines on stdio, as an agent's client starts it. Target: < 1 s. Floor, same
// exchange: a bare `node -e` process that answers each request line with a canned reply (Node's own start-up and
// the pipes); the ratio says what Runlens adds on top. Median of RUNS starts each, alternated.
//   node bench/mcpStartup.js        (after `npx tsc -p . && node scripts/build.mjs`)
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { makeSampleWorkspace } = require(path.join(root, 'out/test/helpers/sampleWorkspace.js'));

const RUNS = 7;
const TARGET_MS = 1000;
const FLOOR_SCRIPT = `require('readline').createInterface({ input: process.stdin }).on('line', (l) => { const m = JSON.parse(l); if (m.id !== undefined) process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { tools: [] } }) + '\\n'); });`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Spawns, initializes, asks tools/list; resolves with the ms to its answer and the number of tools. */
function timeToToolsList(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let buf = '';
    const send = (m) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
    child.on('error', reject);
    child.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.id === 1) {
          send({ method: 'notifications/initialized' });
          send({ id: 2, method: 'tools/list' });
        } else if (msg.id === 2) {
          const ms = performance.now() - t0;
          child.stdin.end();
          child.on('exit', () => resolve({ ms, tools: msg.result.tools.length }));
        }
      }
    });
    send({
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
    });
  });
}

async function main() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-mcp-'));
  try {
    await makeSampleWorkspace(ws);
    const mcp = [];
    const floor = [];
    let tools = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await timeToToolsList([path.join(root, 'dist/cli.js'), 'mcp', ws]);
      tools = r.tools;
      mcp.push(r.ms);
      floor.push((await timeToToolsList(['-e', FLOOR_SCRIPT])).ms);
    }
    const m = median(mcp);
    const f = median(floor);
    console.log(
      `runlens mcp: tools/list answered ${m.toFixed(0)} ms after spawn (median of ${RUNS}; ${tools} tools; sample workspace)`,
    );
    console.log(
      `floor (bare node -e answering the same two requests): ${f.toFixed(0)} ms; ratio ${(m / f).toFixed(2)}×`,
    );
    console.log(`target < ${TARGET_MS} ms: ${m < TARGET_MS ? 'met' : 'NOT met'}`);
    if (m >= TARGET_MS) process.exitCode = 1;
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

void main();
