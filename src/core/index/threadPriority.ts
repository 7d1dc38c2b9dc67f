import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Lowers the calling thread's scheduling priority (to nice 10, "below normal") where the OS allows it per thread
 * (Linux), so that background reading on worker threads gives way to the extension host's own thread and to the
 * editor when they compete for the cores. With the cores free it runs as fast as before. Elsewhere, or if the OS
 * refuses (a process already nicer than 10), the thread keeps its priority.
 */
export function lowerThreadPriority(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // "/proc/thread-self" links to "<pid>/task/<tid>"; setpriority on a tid changes that thread alone.
    const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    os.setPriority(tid, os.constants.priority.PRIORITY_BELOW_NORMAL);
    return true;
  } catch {
    return false;
  }
}

/** The calling thread's nice value (Linux; undefined elsewhere): for tests. */
export function threadNice(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = path.basename(fs.readlinkSync('/proc/thread-self'));
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // fields after the command name (which may contain spaces): state is field 3, nice is field 19
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return undefined;
  }
}
