import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellWord } from '../src/core/sources/ssh/sshExec';
import { createSshSource } from '../src/core/sources/ssh/sshSource';
import { findSshd, startSshd } from '../test/helpers/sshd';
import { makeTemp, rmTemp } from '../test/helpers/tmp';
import { ensureWorkspace, repairAppendTarget, appendLine } from './generate';

/**
 * An SSH source over a real sshd on loopback (test/helpers/sshd.ts), with the built CLI as the host's Runlens, on
 * 1,000 generated runs: the first read, a refresh with nothing changed, and a refresh after one line appended to one
 * run's metric file. The host keeps its index (--cache, in a folder of the bench's, fresh for each repeat). Floors,
 * measured in the same run: the local CLI without ssh (`node dist/cli.js index <dir> --json`, cold for the first
 * read, with the host's warm cache for the refreshes: the host's own work), and `ssh host cat` of the first read's
 * reply (the transport of the same bytes).
 *
 *   node scripts/build.mjs && npx tsc -p . && node out/bench/ssh.js [--runs 1000] [--repeat 3]
 */
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RUNS = opt('--runs', 1000);
const REPEAT = opt('--repeat', 3);
const ROOT = path.resolve(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist', 'cli.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed<T>(f: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

async function main(): Promise<number> {
  const found = findSshd();
  if ('missing' in found) {
    console.log(`ssh source bench: skipped: ${found.missing}`);
    return 0;
  }
  if (!fs.existsSync(BUNDLE)) throw new Error('no dist/cli.js: run node scripts/build.mjs first');
  const spec = { name: 'ssh', runs: RUNS, pointsPerRun: 100, seed: 21 };
  const { root, manifest } = ensureWorkspace(path.join(ROOT, 'bench', '.work'), spec, (m) => console.log(m));
  const sshd = await startSshd(found.sshd);
  const tmp = makeTemp('runlens-bench-ssh-');
  const cli = `${shellWord(process.execPath)} ${shellWord(BUNDLE)}`;
  const sshArgs = ['-F', sshd.clientConfig];
  const target = path.join(root, manifest.appendTarget.file);
  try {
    const first: number[] = [];
    const unchanged: number[] = [];
    const appended: number[] = [];
    const local: number[] = [];
    const localWarm: number[] = [];
    const cat: number[] = [];
    let bytes = { first: 0, unchanged: 0, appended: 0, sent: 0 };
    for (let i = 0; i < REPEAT; i++) {
      const cacheHome = path.join(tmp, `cache-${i}`);
      const src = createSshSource(`ssh://${sshd.host}${root}`, {
        sshArgs,
        remoteCommand: `XDG_CACHE_HOME=${shellWord(cacheHome)} ${cli}`,
      });
      const [t1, snap] = await timed(() => src.refresh());
      if (snap.runs.length !== manifest.runs) throw new Error(`${snap.runs.length} runs, generated ${manifest.runs}`);
      first.push(t1);
      bytes.first = src.lastTransfer!.bytesIn;
      unchanged.push((await timed(() => src.refresh()))[0]);
      bytes.unchanged = src.lastTransfer!.bytesIn;
      fs.appendFileSync(target, appendLine(manifest.appendTarget.lastStep + 1 + i, 0.5));
      try {
        appended.push((await timed(() => src.refresh()))[0]);
        bytes = { ...bytes, appended: src.lastTransfer!.bytesIn, sent: src.lastTransfer!.sent };
      } finally {
        repairAppendTarget(root, manifest);
      }
      src.dispose();

      // Floors: the host's work alone, and the transport of the first reply's bytes alone.
      const [tl, r] = await timed(() =>
        spawnSync(process.execPath, [BUNDLE, 'index', root, '--json', '--since', ''], { maxBuffer: 1 << 30 }),
      );
      if (r.status !== 0) throw new Error(`local CLI failed: ${String(r.stderr)}`);
      local.push(tl);
      const [tw, w] = await timed(() =>
        spawnSync(process.execPath, [BUNDLE, 'index', root, '--json', '--since', '', '--cache'], {
          maxBuffer: 1 << 30,
          env: { ...process.env, XDG_CACHE_HOME: cacheHome },
        }),
      );
      if (w.status !== 0) throw new Error(`local CLI failed: ${String(w.stderr)}`);
      localWarm.push(tw);
      const reply = path.join(tmp, 'reply.json');
      fs.writeFileSync(reply, r.stdout);
      const [tc, c] = await timed(() =>
        spawnSync('ssh', [...sshArgs, '-o', 'BatchMode=yes', '--', sshd.host, `cat ${shellWord(reply)}`], {
          maxBuffer: 1 << 30,
        }),
      );
      if (c.status !== 0 || c.stdout.length !== r.stdout.length) throw new Error('ssh cat did not return the reply');
      cat.push(tc);
    }
    const m = { first: median(first), unchanged: median(unchanged), appended: median(appended) };
    const floor = { local: median(local), warm: median(localWarm), cat: median(cat) };
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `ssh source: ${manifest.runs} runs × ${spec.pointsPerRun} points over a loopback sshd (median of ${REPEAT}; ` +
        `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
    );
    console.log(
      `  first read        ${s(m.first)}  ${(bytes.first / 1e6).toFixed(2)} MB   ` +
        `floor: local CLI ${s(floor.local)} (ratio ${(m.first / floor.local).toFixed(2)}×), ` +
        `ssh cat of the same reply ${s(floor.cat)}`,
    );
    console.log(
      `  refresh, no change ${s(m.unchanged)}  ${(bytes.unchanged / 1e3).toFixed(1)} kB   floor: local CLI, warm cache ${s(floor.warm)} (ratio ${(m.unchanged / floor.warm).toFixed(2)}×)`,
    );
    console.log(
      `  refresh, 1 append  ${s(m.appended)}  ${(bytes.appended / 1e3).toFixed(1)} kB (${bytes.sent} run sent)   ` +
        `ratio to the warm local CLI ${(m.appended / floor.warm).toFixed(2)}×; bytes ${((bytes.appended / bytes.first) * 100).toFixed(1)}% of the first read`,
    );
    return 0;
  } finally {
    await sshd.dispose();
    rmTemp(tmp);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`ssh source bench failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
