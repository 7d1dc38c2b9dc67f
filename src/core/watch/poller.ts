/** Bounds and factors of the adaptive poll interval (docs/sources.md, "Shared file systems and remote hosts"). */
export interface PollBounds {
  /** Shortest interval, used right after a change was seen. */
  minMs: number;
  /** Longest interval, reached after a quiet spell (unless polls cost so much that costFactor asks for more). */
  maxMs: number;
  /** Growth of the interval after a poll that found nothing. */
  growth: number;
  /** The interval is at least this many times the last poll's cost (polling takes at most 1/costFactor of the time). */
  costFactor: number;
}

export const DEFAULT_POLL_BOUNDS: PollBounds = { minMs: 1_000, maxMs: 30_000, growth: 1.5, costFactor: 20 };

/**
 * The next interval: back to the shortest after a change (a run is being written: follow it closely), longer by
 * `growth` after a quiet poll, within the bounds — and never below `costFactor` × what the last poll cost, even
 * past the longest: a slow file server or a huge workspace is not polled more than 1/costFactor of the time.
 */
export function nextPollInterval(
  previousMs: number,
  last: { changed: boolean; costMs: number },
  b: PollBounds = DEFAULT_POLL_BOUNDS,
): number {
  const wanted = last.changed ? b.minMs : previousMs * b.growth;
  return Math.round(Math.max(last.costMs * b.costFactor, Math.min(b.maxMs, Math.max(b.minMs, wanted))));
}

/** What one poll reports. */
export interface PollOutcome {
  changed: boolean;
}

/**
 * Runs `poll` again and again, one at a time, with the adaptive interval in between. A poll that throws counts as
 * a quiet one (reported to `onError`); the loop goes on.
 */
export class AdaptivePoller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** The wait before the next poll (ms). */
  intervalMs: number;
  /** How many polls ran, and the last one's cost (ms). */
  polls = 0;
  lastCostMs = 0;

  constructor(
    private readonly poll: () => Promise<PollOutcome>,
    private readonly bounds: PollBounds = DEFAULT_POLL_BOUNDS,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.intervalMs = bounds.minMs;
  }

  start(): this {
    this.schedule();
    return this;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.once().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
  }

  private async once(): Promise<void> {
    const t0 = this.now();
    let changed = false;
    try {
      changed = (await this.poll()).changed;
    } catch (err) {
      this.onError(err);
    }
    this.lastCostMs = this.now() - t0;
    this.polls++;
    this.intervalMs = nextPollInterval(this.intervalMs, { changed, costMs: this.lastCostMs }, this.bounds);
  }

  /** Stops the loop; resolves when a poll under way has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
