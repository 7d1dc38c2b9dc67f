/**
 * Yields to the event loop: lets timers, I/O callbacks and UI messages run before the caller goes on. Callers that
 * yield meanwhile go on one per turn of the loop, in the order they yielded. With a bare setImmediate, every chain
 * that had yielded (the pass, the commit resolver, the snapshot writer) went on in the same turn, one slice after
 * another: slices of 8 ms each added up to stalls of 30–55 ms.
 */
export function breathe(): Promise<void> {
  return new Promise((resolve) => {
    waitingTurns.push(resolve);
    if (waitingTurns.length === 1) setImmediate(nextTurn);
  });
}

const waitingTurns: Array<() => void> = [];

function nextTurn(): void {
  const go = waitingTurns.shift()!;
  // the next one waits for the next turn: setImmediate from inside an immediate runs after timers and I/O
  if (waitingTurns.length) setImmediate(nextTurn);
  go();
}
