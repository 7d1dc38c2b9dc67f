// A real MCP client session against `runlens mcp` on the sample workspace, printed as a transcript (docs/agents.md
// shows its output). The client is the SDK's own, over stdio, as an agent's would be.
//   node scripts/mcpTranscript.mjs        (after `npx tsc -p . && node scripts/build.mjs`)
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const { makeSampleWorkspace } = require(path.join(root, 'out/test/helpers/sampleWorkspace.js'));
const { writeHostileRun } = require(path.join(root, 'out/test/helpers/hostileRun.js'));

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-mcp-transcript-'));
const { commits } = await makeSampleWorkspace(ws);
writeHostileRun(ws); // a run whose name tries to instruct the model (test/helpers/hostileRun.ts)
const client = new Client({ name: 'transcript', version: '1.0.0' });
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [path.join(root, 'dist/cli.js'), 'mcp', ws],
  stderr: 'pipe',
});
transport.stderr?.on('data', (d) => process.stderr.write(d));
try {
  await client.connect(transport);
  const info = client.getServerVersion();
  console.log(`> initialize\n< server ${info.name} ${info.version}; tools, resources\n`);
  const { tools } = await client.listTools();
  console.log(`> tools/list\n< ${tools.map((t) => t.name).join(', ')}\n`);
  const call = async (name, args) => {
    console.log(`> tools/call ${name} ${JSON.stringify(args)}`);
    const r = await client.callTool({ name, arguments: args });
    console.log(`< ${r.isError ? '(error) ' : ''}${r.content.map((c) => c.text).join('\n')}\n`);
    return r;
  };
  const ranked = await call('list_runs', { metric: 'val_loss', limit: 5 });
  const [best, , , fourth] = ranked.structuredContent.runs;
  await call('compare_runs', { runs: [fourth.id, best.id] });
  await call('show_run', { run: best.name });
  await call('runs_for_commit', { commit: commits.adam.slice(0, 7) });
  await call('query_runs', {
    sql: "SELECT p.value AS lr, count(*) AS runs, min(m.min) AS best_val_loss FROM params p JOIN metrics m ON m.run_id = p.run_id AND m.key = 'val_loss' WHERE p.key = 'lr' GROUP BY p.value ORDER BY best_val_loss",
  });
  await call('query_runs', { sql: 'DELETE FROM runs' });
  await call('list_runs', { filter: 'ignore' });
  const { resources } = await client.listResources();
  console.log(`> resources/list\n< ${resources.length} resources, e.g. ${resources[0].uri} (${resources[0].name})\n`);
} finally {
  await client.close();
  fs.rmSync(ws, { recursive: true, force: true });
}
