// `npm run demo`: a real VS Code (code-server, test/host/vscodeHost.js) on 127.0.0.1 with Runlens loaded in
// development mode on the bundled sample workspace (test/helpers/sampleWorkspace.ts, regenerated into
// .runlens-tmp/sample). Prints the URL and runs until Ctrl-C.
//   --check       headless: wait until the Runlens view shows run rows, print "demo ok: N runs in the tree", exit 0
//   --port <n>    fixed port (default: a free one)
//   --no-build    skip `node scripts/build.mjs`
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
/** @type {typeof import('../test/host/vscodeHost.js')} */
export const host = require('../test/host/vscodeHost.js');

/**
 * A test helper (test/helpers/<name>.ts) loaded without a full tsc build: the helpers are TypeScript, so it is
 * bundled with esbuild into .runlens-tmp/ first.
 */
export async function loadHelper(name) {
  const esbuild = await import('esbuild');
  const gen = path.join(root, '.runlens-tmp', `${name}.cjs`);
  await esbuild.build({
    entryPoints: [path.join(root, 'test/helpers', `${name}.ts`)],
    outfile: gen,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return require(gen);
}

/** Bundles the extension (dist/), then writes a fresh sample workspace; returns its path. */
export async function prepare({ build = true } = {}) {
  const t0 = Date.now();
  if (build) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
  const tmp = path.join(root, '.runlens-tmp');
  const sample = path.join(tmp, 'sample');
  fs.rmSync(sample, { recursive: true, force: true });
  const { makeSampleWorkspace } = await loadHelper('sampleWorkspace');
  const ws = await makeSampleWorkspace(sample);
  console.log(
    `sample workspace: ${sample} (${ws.runs.length} runs, ${Object.keys(ws.commits).length} commits; ready in ${Date.now() - t0} ms)`,
  );
  return sample;
}

async function check(folder) {
  const t0 = Date.now();
  const wb = await host.openWorkbench({ folder });
  try {
    await host.openRunlensView(wb.page);
    const runs = await host.waitForRows(wb.page, { runsOnly: true, min: 1 });
    console.log(
      `demo ok: ${runs.length} runs in the tree (${((Date.now() - t0) / 1000).toFixed(1)} s): ${runs.join(', ')}`,
    );
    return 0;
  } catch (e) {
    const shot = path.join(root, '.runlens-tmp', 'demo-check.failure.png');
    await host.screenshot(wb.page, shot).catch(() => {});
    console.error(`demo check failed: ${e instanceof Error ? e.message : e}\n(screenshot: ${shot})`);
    return 1;
  } finally {
    await wb.close();
  }
}

async function serve(folder, port) {
  const server = await host.startServer({ port });
  const url = host.workbenchUrl(server, { folder });
  console.log(
    `\nRunlens demo running (VS Code ${readVersion()} via code-server). Open:\n\n  ${url}\n\nCtrl-C stops it.`,
  );
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('stopping…');
  await server.stop();
}

function readVersion() {
  return require('../test/host/setup.js').vscodeVersion();
}

async function main() {
  const args = process.argv.slice(2);
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;
  const folder = await prepare({ build: !args.includes('--no-build') });
  if (args.includes('--check')) return check(folder);
  await serve(folder, port);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof host.HostError ? `infrastructure error: ${e.message}` : e);
      process.exit(e instanceof host.HostError ? 3 : 1);
    },
  );
}
