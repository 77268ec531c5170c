// Timestamps as strata records them: what Date#toISOString gives (UTC, milliseconds), written out
// from the UTC fields instead. V8's toISOString sets up the local time zone first (ICU reads
// /etc/localtime and its zone data): milliseconds that every `run` paid for a time in UTC.

export function isoTime(ms: number = Date.now()): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  // Years outside 0–9999 take toISOString's expanded form (and an invalid time its RangeError).
  if (!(year >= 0 && year <= 9999)) return d.toISOString();
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${p(year, 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}Z`;
}
