// Work whose traces must not outlive an interrupted strata (SIGINT, SIGTERM, SIGHUP, and a closed
// stdout: endBySignal('SIGPIPE')): a container left frozen, a half-written output file. When one
// of these comes, the undoing runs, then strata dies of the signal as it would have without it. SIGKILL cannot be caught: what it leaves
// is named after its owner, and the next command removes it once the owner is dead.

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The `interrupted` of each work under way that has not begun its undoing. */
const undoing = new Set<(signal: NodeJS.Signals) => void>();

/** Runs `work`; if an interrupt comes meanwhile, `undo` runs and strata dies of the signal. */
export async function undoneOnInterrupt<T>(undo: () => Promise<void> | void, work: () => Promise<T>): Promise<T> {
  const interrupted = (signal: NodeJS.Signals) => {
    for (const s of INTERRUPTS) process.off(s, interrupted);
    undoing.delete(interrupted);
    void (async () => {
      try {
        await undo();
      } catch {
        // Dying of the signal all the same; what is left is named after its owner (see above).
      }
      endBySignal(signal);
    })();
  };
  undoing.add(interrupted);
  for (const s of INTERRUPTS) process.on(s, interrupted);
  try {
    return await work();
  } finally {
    // The work can keep the thread busy from start to end (a reading's streams resolve without a
    // turn of the event loop), so a signal that came meanwhile is still waiting there: let it
    // reach `interrupted` before the listeners go, and strata dies of it as it should.
    await afterNextPoll();
    for (const s of INTERRUPTS) process.off(s, interrupted);
    undoing.delete(interrupted);
  }
}

/** Ends strata as `signal` would: the undoing of the work under way first (one after another),
 * then death by the signal, so a shell sees 128 + its number. For a signal strata raises itself
 * (SIGPIPE when its stdout closed: cli/closed-output.ts) as much as for one that came. */
export function endBySignal(signal: NodeJS.Signals): void {
  const next = [...undoing].pop();
  if (next !== undefined) return next(signal);
  // Node.js ignores SIGPIPE from its start; libuv puts a signal back to its default action when
  // its last listener goes, so one listener added and removed makes the kill below fatal.
  const none = () => {};
  process.on(signal, none);
  process.off(signal, none);
  process.kill(process.pid, signal);
}

/** Resolves once the event loop has polled for events again (signals included): an immediate
 * queued from an immediate runs in the next loop iteration, after its poll phase. */
function afterNextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
