// A RUN's output: both streams go to one file in staging (the helper writes to descriptors), which
// is followed while the command runs and passed on to the build's progress; its last lines go
// into the message when the command fails.

import { closeSync, fstatSync, readSync, unlinkSync } from 'node:fs';
import type { HelperOutput } from '../../runtime/helper/process.js';
import { createStagingFile } from '../../store/staging.js';
import type { Store } from '../../store/store.js';
import type { Progress } from '../progress.js';

const FOLLOW_MS = 100;
const KEEP = 64 * 1024;

export function runOutput(store: Store, progress: Progress) {
  const file = createStagingFile(store);
  let offset = 0;
  let tail = Buffer.alloc(0);
  const drain = () => {
    const size = fstatSync(file.fd).size;
    while (offset < size) {
      const chunk = Buffer.allocUnsafe(Math.min(size - offset, 1 << 20));
      const n = readSync(file.fd, chunk, 0, chunk.length, offset);
      if (n <= 0) break;
      offset += n;
      const got = chunk.subarray(0, n);
      progress.output(got);
      tail = Buffer.concat([tail, got]).subarray(-KEEP);
    }
  };
  const timer = setInterval(drain, FOLLOW_MS);
  const helperOutput: HelperOutput = {
    stdout: file.fd,
    stderr: file.fd,
    writeError: (line) => progress.output(Buffer.from(line)),
  };
  let closed = false;
  return {
    helperOutput,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      drain();
      closeSync(file.fd);
      unlinkSync(file.path);
    },
    /** The last `n` lines that are not blank, joined by " / ". */
    lastLines(n: number): string {
      return tail.toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').slice(-n).join(' / ');
    },
  };
}
