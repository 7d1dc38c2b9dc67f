/** What waiting for a calm event loop found. */
export interface Calm {
  /** How long the wait took. */
  waitedMs: number;
  /** False when maxWaitMs ran out before the loop was calm. */
  calm: boolean;
  /** The most a timer was late while waiting. */
  worstLateMs: number;
}

export interface CalmOptions {
  /** How long the event loop must keep its timers on time. */
  quietMs: number;
  /** A timer later than this breaks the quiet. */
  lateMs: number;
  /** Start anyway after this long. */
  maxWaitMs: number;
}

/**
 * Waits until this thread's event loop has run its timers on time for a while. A window opening with Runlens
 * activates it while the editor itself is still starting (the workbench, other extensions, the browser on the same
 * cores): timers then run 30–100 ms late because the thread waits for a CPU, and a pass started then makes that
 * worse for everyone. On a calm machine this costs `quietMs`.
 */
export function untilCalm(opts: CalmOptions, clock: () => number = () => performance.now()): Promise<Calm> {
  const TICK_MS = 5;
  const start = clock();
  let quietSince = start;
  let last = start;
  let worstLateMs = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const now = clock();
      const late = now - last - TICK_MS;
      last = now;
      if (late > opts.lateMs) quietSince = now;
      worstLateMs = Math.max(worstLateMs, late);
      const waitedMs = now - start;
      if (now - quietSince >= opts.quietMs) resolve({ waitedMs, calm: true, worstLateMs });
      else if (waitedMs >= opts.maxWaitMs) resolve({ waitedMs, calm: false, worstLateMs });
      else setTimeout(tick, TICK_MS);
    };
    setTimeout(tick, TICK_MS);
  });
}
