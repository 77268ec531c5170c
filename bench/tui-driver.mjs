// Drives a terminal UI in a pseudo-terminal (util-linux `script`, 120x40) for bench/rows/tui.mjs:
// starts it, waits for text in what it draws, sends keys, and measures the time from a key to the
// frame it causes. Exits as soon as its script is done (the UI is killed), so hyperfine times it.
//
//   node bench/tui-driver.mjs first-frame TEXT -- CMD...       until TEXT is drawn
//   node bench/tui-driver.mjs open DOWNS -- CMD...             Down × DOWNS, Enter, until the tree
//   node bench/tui-driver.mjs open-sorted DOWNS -- CMD...      the same, then `s`, until the tree
//                                                              is drawn sorted by size
//   node bench/tui-driver.mjs keys DOWNS PRESSES OUT -- CMD... open, then `j` × PRESSES, each until
//                                                              its frame; the median to OUT (JSON)
//   node bench/tui-driver.mjs idle-cpu SECONDS OUT -- CMD...   Tab to the Containers pane, wait for
//                                                              its figures, then the UI's CPU use
//                                                              over SECONDS with no key (from
//                                                              /proc/PID/stat) to OUT (JSON)
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [mode, ...rest] = process.argv.slice(2);
const dash = rest.indexOf('--');
const params = rest.slice(0, dash);
const command = rest.slice(dash + 1);
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${command.map(quote).join(' ')}`, '/dev/null'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
let output = '';
let waiter;
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  output += chunk;
  if (waiter && output.includes(waiter.text)) {
    const w = waiter;
    waiter = undefined;
    w.resolve();
  }
});
child.on('exit', () => waiter?.reject(new Error(`the UI exited before drawing ${JSON.stringify(waiter.text)}`)));

/** Resolves when TEXT appears in what was drawn since `output` was last emptied. */
function drawn(text, ms = 30_000) {
  return new Promise((resolve, reject) => {
    if (output.includes(text)) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}`)), ms);
    waiter = { text, resolve: () => (clearTimeout(timer), resolve()), reject };
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Selects the image DOWNS rows below the first, opens it; the time from Enter to the tree. */
async function open(downs) {
  await drawn('NAME:TAG');
  // Ink turns raw mode on just after its first frame; a key sent sooner would wait in the line buffer.
  await sleep(300);
  for (let i = 0; i < downs; i++) {
    child.stdin.write('\x1b[B');
    await sleep(100);
  }
  output = '';
  const started = performance.now();
  child.stdin.write('\r');
  await drawn(' of ');
  const treeMs = performance.now() - started;
  // Until the efficiency summary (computed after the first frame) is drawn too.
  await drawn('score ');
  return { treeMs, summaryMs: performance.now() - started };
}

/** The process running `command` under `script` (the shell it starts execs it): the deepest
 * descendant of the driver's child. */
function uiPid() {
  let pid = child.pid;
  for (;;) {
    let kids = [];
    try {
      kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return pid;
    }
    if (kids.length === 0) return pid;
    pid = kids[0];
  }
}

/** utime + stime of a process, in clock ticks (USER_HZ, 100 a second). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** The Containers pane drawn with its figures, then the UI's CPU over `seconds` with no key. */
async function idleCpu(seconds, out) {
  await drawn('NAME:TAG');
  await sleep(300);
  output = '';
  child.stdin.write('\t');
  // A running container's CPU share is drawn from the second sample on.
  await drawn('%');
  await sleep(2000);
  const pid = uiPid();
  const before = cpuTicks(pid);
  const started = performance.now();
  await sleep(seconds * 1000);
  const ticks = cpuTicks(pid) - before;
  const wall = (performance.now() - started) / 1000;
  writeFileSync(out, JSON.stringify({ pid, seconds: wall, cpuSeconds: ticks / 100, percentOfOneCore: (ticks / 100 / wall) * 100 }));
}

async function main() {
  if (mode === 'first-frame') {
    await drawn(params[0]);
  } else if (mode === 'open') {
    await open(Number(params[0]));
  } else if (mode === 'open-sorted') {
    await open(Number(params[0]));
    output = '';
    child.stdin.write('s');
    await drawn('· by size');
  } else if (mode === 'keys') {
    const opened = await open(Number(params[0]));
    const total = /  1\/(\d+)/.exec(output)?.[1];
    const times = [];
    for (let i = 2; i <= Number(params[1]) + 1; i++) {
      output = '';
      const started = performance.now();
      child.stdin.write('j');
      await drawn(`  ${i}/${total}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    writeFileSync(params[2], JSON.stringify({ ...opened, entries: Number(total), presses: times.length, medianMs: times[times.length >> 1], p90Ms: times[Math.floor(times.length * 0.9)] }));
  } else if (mode === 'idle-cpu') {
    await idleCpu(Number(params[0]), params[1]);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().then(() => {
  child.kill('SIGKILL');
  process.exit(0);
}, (err) => {
  child.kill('SIGKILL');
  process.stderr.write(`tui-driver: ${err.message}\n`);
  process.exit(1);
});
