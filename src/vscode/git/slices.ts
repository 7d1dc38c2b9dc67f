import { breathe } from '../../core/breathe';

/** Milliseconds of work on the extension host's thread before giving the event loop a turn. */
const SLICE_MS = 8;

/**
 * Gives the event loop a turn once SLICE_MS of work has run: a fixed count of runs per turn was 10-27 ms when each
 * run costs a few file-system checks (nested repositories), and the extension host's thread is shared.
 */
export class TimeSlice {
  private start = Date.now();
  restart(): void {
    this.start = Date.now();
  }
  async breatheIfDue(): Promise<void> {
    if (Date.now() - this.start < SLICE_MS) return;
    await breathe();
    this.start = Date.now();
  }
}

/** Runs `work` over the items with at most n in flight. */
export async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}
