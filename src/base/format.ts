// How values read to a person, in the CLI and the TUI alike, as Docker's output shows them: sizes
// in decimal units with three significant digits, times as "N units ago", ids as 12 hex digits;
// modes as `ls -l` shows them.

export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

/** Bytes in binary units (1024 each), as memory limits and `docker stats` read: the value and
 * its unit, for the caller to round as its place needs. */
export function inBinaryUnits(bytes: number): { readonly value: number; readonly unit: string } {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return { value, unit: units[i]! };
}

export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'N/A';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'N/A';
  const s = Math.max(0, (now - t) / 1000);
  const span = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (s < 1) return 'Less than a second ago';
  if (s < 60) return span(Math.floor(s), 'second');
  if (s < 120) return 'About a minute ago';
  if (s < 3600) return span(Math.floor(s / 60), 'minute');
  if (s < 7200) return 'About an hour ago';
  if (s < 86400 * 2) return span(Math.floor(s / 3600), 'hour');
  if (s < 86400 * 14) return span(Math.floor(s / 86400), 'day');
  if (s < 86400 * 60) return span(Math.floor(s / 86400 / 7), 'week');
  if (s < 86400 * 365 * 2) return span(Math.floor(s / 86400 / 30), 'month');
  return span(Math.floor(s / 86400 / 365), 'year');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Octal mode plus type letter, as `ls -l` shows it. */
export function modeString(type: string, mode: number): string {
  const t = { dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p', file: '-' }[type] ?? '?';
  const rwx = (bits: number, special: boolean, s: string, S: string) =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? s : S) : bits & 1 ? 'x' : '-');
  return t + rwx((mode >> 6) & 7, (mode & 0o4000) !== 0, 's', 'S') + rwx((mode >> 3) & 7, (mode & 0o2000) !== 0, 's', 'S') + rwx(mode & 7, (mode & 0o1000) !== 0, 't', 'T');
}

/** A time as Go's time.String() prints it in UTC, as Docker's CreatedAt does:
 * "2024-01-01 00:00:00 +0000 UTC"; "" for no time. */
export function goTime(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return '';
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}
