import * as fs from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** What a StallProbe saw: the longest event-loop stall, and how much of a stall the thread spent running code. */
export interface Stalls {
  /** The longest delay of a 1 ms timer beyond its interval: the event loop served nothing for that long. */
  maxStallMs: number;
  /** When the longest stall ended, in ms after the probe started (early stalls meet the editor's own start-up). */
  maxStallAtMs: number;
  /**
   * The most time this thread spent on a CPU within one stall (Linux; NaN elsewhere): the part of a stall that is
   * work done on the event loop (Runlens's, the host's, a garbage collection), as opposed to waiting for a CPU.
   */
  maxBusyMs: number;
  /** The time on a CPU within the longest stall (NaN where unknown). */
  busyInLongestMs: number;
  /** The longest garbage collection pause meanwhile, and its kind (V8 collects on this thread too). */
  maxGcMs: number;
  maxGcKind: string;
}

/**
 * Measures event-loop stalls of the calling thread with a 1 ms timer (a block of B ms reads as B; a coarser timer
 * reads it as up to B + its interval), and splits each stall with the thread's scheduler statistics: on a machine
 * whose cores are all busy (two cores shared with the browser and code-server here), a stall can be mostly time
 * spent waiting for a CPU, which no slicing of the work can remove. Costs a timer tick and a read of
 * /proc/thread-self/schedstat (~2 µs, the file kept open) per millisecond while it runs; run it during a pass only.
 */
export class StallProbe {
  private readonly timer: NodeJS.Timeout;
  private readonly clock = new ThreadCpuClock();
  private readonly startedAt = performance.now();
  private lastAt = this.startedAt;
  private lastCpu = this.clock.ms();
  private stalls: Stalls = {
    maxStallMs: 0,
    maxStallAtMs: 0,
    maxBusyMs: 0,
    busyInLongestMs: 0,
    maxGcMs: 0,
    maxGcKind: '',
  };
  private readonly gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= this.stalls.maxGcMs) continue;
      this.stalls.maxGcMs = e.duration;
      this.stalls.maxGcKind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
    }
  });

  constructor() {
    this.timer = setInterval(() => this.tick(), 1);
    this.gc.observe({ entryTypes: ['gc'] });
  }

  stop(): Stalls {
    clearInterval(this.timer);
    this.gc.disconnect();
    this.tick();
    this.clock.close();
    const r = (v: number): number => Math.round(v * 10) / 10;
    const s = this.stalls;
    return {
      maxStallMs: r(s.maxStallMs),
      maxStallAtMs: Math.round(s.maxStallAtMs),
      maxBusyMs: r(s.maxBusyMs),
      busyInLongestMs: r(s.busyInLongestMs),
      maxGcMs: r(s.maxGcMs),
      maxGcKind: s.maxGcKind,
    };
  }

  private tick(): void {
    const at = performance.now();
    const cpu = this.clock.ms();
    const stall = Math.max(0, at - this.lastAt - 1);
    const busy = cpu - this.lastCpu;
    if (stall > this.stalls.maxStallMs) {
      this.stalls.maxStallMs = stall;
      this.stalls.maxStallAtMs = at - this.startedAt;
      this.stalls.busyInLongestMs = busy;
    }
    if (busy > this.stalls.maxBusyMs || Number.isNaN(busy)) this.stalls.maxBusyMs = busy;
    this.lastAt = at;
    this.lastCpu = cpu;
  }
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/**
 * Time this thread has run on a CPU, in ms (schedstat's first field, nanoseconds), read from a file kept open while
 * the probe runs (a read at offset 0 is one system call, ~1.6 µs, against ~6 µs to open, read and close it at every
 * tick); NaN where there is no such file.
 */
class ThreadCpuClock {
  private readonly fd: number | undefined;
  private readonly buf = Buffer.alloc(128);

  constructor() {
    try {
      this.fd = fs.openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      this.fd = undefined;
    }
  }

  ms(): number {
    if (this.fd === undefined) return NaN;
    try {
      const n = fs.readSync(this.fd, this.buf, 0, this.buf.length, 0);
      return Number(this.buf.toString('latin1', 0, n).split(' ')[0]) / 1e6;
    } catch {
      return NaN;
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
  }
}
