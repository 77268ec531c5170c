// The WWW-Authenticate challenge of a 401 reply (RFC 7235): its scheme and parameters, as the
// distribution token flow uses them: Bearer realm="…",service="…",scope="…", or Basic realm="…".

export interface Challenge {
  /** Lowercase: "basic", "bearer". */
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** The first challenge of the header (registries send one); undefined when there is none. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const param = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = m[2]!;
  param.lastIndex = 0;
  for (let p = param.exec(rest); p !== null; p = param.exec(rest)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
    if (param.lastIndex >= rest.length) break;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}
