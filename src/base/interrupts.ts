// Work whose traces must not outlive an interrupted strata (SIGINT, SIGTERM, SIGHUP): a container
// left frozen, a half-written output file. When one of these signals comes, the undoing runs, then
// strata dies of the signal as it would have without it. SIGKILL cannot be caught: what it leaves
// is named after its owner, and the next command removes it once the owner is dead.

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs `work`; if an interrupt comes meanwhile, `undo` runs and strata dies of the signal. */
export async function undoneOnInterrupt<T>(undo: () => Promise<void> | void, work: () => Promise<T>): Promise<T> {
  const interrupted = (signal: NodeJS.Signals) => {
    for (const s of INTERRUPTS) process.off(s, interrupted);
    void (async () => {
      try {
        await undo();
      } catch {
        // Dying of the signal all the same; what is left is named after its owner (see above).
      }
      process.kill(process.pid, signal);
    })();
  };
  for (const s of INTERRUPTS) process.on(s, interrupted);
  try {
    return await work();
  } finally {
    // The work can keep the thread busy from start to end (a reading's streams resolve without a
    // turn of the event loop), so a signal that came meanwhile is still waiting there: let it
    // reach `interrupted` before the listeners go, and strata dies of it as it should.
    await afterNextPoll();
    for (const s of INTERRUPTS) process.off(s, interrupted);
  }
}

/** Resolves once the event loop has polled for events again (signals included): an immediate
 * queued from an immediate runs in the next loop iteration, after its poll phase. */
function afterNextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
