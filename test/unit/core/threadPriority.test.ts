import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS } from '../../../src/core/index/readContext';
import { ReadPool } from '../../../src/core/index/readPool';
import { threadNice } from '../../../src/core/index/threadPriority';
import { FileTree } from '../../../src/core/index/walk';

describe('lowerThreadPriority', () => {
  it('makes the calling worker thread nicer, not the process (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const modulePath = path.join(__dirname, '../../../src/core/index/threadPriority.js');
    const before = threadNice();
    const answer = await new Promise<[number | undefined, boolean, number | undefined]>((resolve, reject) => {
      const w = new Worker(
        `const t = require(${JSON.stringify(modulePath)}); const b = t.threadNice(); const ok = t.lowerThreadPriority(); require('node:worker_threads').parentPort.postMessage([b, ok, t.threadNice()]);`,
        { eval: true },
      );
      // resolved once the thread is gone, so the next test counts threads without it
      w.once('message', (m) => void w.terminate().then(() => resolve(m)));
      w.once('error', reject);
    });
    assert.equal(answer[1], (answer[0] ?? 0) <= 10);
    // nice 10 (below normal); a process already nicer than that is left as it is (raising needs privileges)
    if ((answer[0] ?? 0) < 10) assert.equal(answer[2], 10);
    assert.equal(threadNice(), before, 'the calling (main) thread keeps its priority');
  });

  it('is applied to index workers only when the pool is asked to run in the background (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const nicedThreads = (): number =>
      fs.readdirSync('/proc/self/task').filter((tid) => {
        let stat: string;
        try {
          stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        } catch {
          return false; // a thread that ended between the listing and the read (one of the runtime's own)
        }
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) === 10;
      }).length;
    const before = nicedThreads();
    const start = async (background: boolean): Promise<ReadPool> => {
      const pool = new ReadPool(1, path.join(__dirname, '../../../src/core/index/indexWorker.js'), background);
      await pool.begin(os.tmpdir(), new FileTree(), DEFAULT_LIMITS, undefined);
      return pool;
    };
    const pools: ReadPool[] = [];
    try {
      pools.push(await start(false));
      assert.equal(nicedThreads(), before, 'a CLI pass keeps the normal priority');
      pools.push(await start(true));
      assert.equal(nicedThreads(), before + 1);
    } finally {
      for (const p of pools) p.dispose();
    }
  });
});
