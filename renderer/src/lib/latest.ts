// Live views ask the services faster than answers may come (a drawing at each frame, the decision
// boundary at each metrics update): one request at a time, and calls made meanwhile collapse into
// the newest, sent next, so neither a queue builds up nor an older answer lands last.

/** `run` one call at a time; of the calls made while one runs, only the newest runs after it. */
export function latestOnly<T>(run: (arg: T) => Promise<void>): (arg: T) => Promise<void> {
  let next: { arg: T } | null = null;
  let inFlight = false;
  return async (arg) => {
    next = { arg };
    if (inFlight) return;
    inFlight = true;
    try {
      while (next) {
        const { arg: newest } = next;
        next = null;
        await run(newest);
      }
    } finally {
      inFlight = false;
    }
  };
}
