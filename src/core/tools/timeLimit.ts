/** A tool call that waits on something slow (a first index pass over a huge folder) gives up after this long. */
export const CALL_TIME_LIMIT_MS = 60_000;

/** `work`, or a rejection with `message` once `ms` have passed (the work itself goes on: it is shared). */
export async function withTimeLimit<T>(work: Promise<T>, message: string, ms = CALL_TIME_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
