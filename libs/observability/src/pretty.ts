/**
 * One readable line per pino record, for a person at a terminal (`himari run`, `himari up`). Pipes and files keep
 * pino's JSON: that is what log shippers parse.
 */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields, shown in the line's head or dropped. */
const HEAD = new Set(['level', 'time', 'pid', 'hostname', 'name', 'actor', 'msg', 'v']);

export function formatLogLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  if (typeof rec !== 'object' || rec === null) return json.trimEnd();
  const time = typeof rec['time'] === 'number' ? new Date(rec['time']).toISOString().slice(11, 23) : '';
  const level = LEVELS[rec['level'] as number] ?? String(rec['level'] ?? '');
  const who = String(rec['actor'] ?? rec['name'] ?? '');
  const stage = typeof rec['stage'] === 'string' && rec['stage'] !== who ? `/${rec['stage']}` : '';
  const fields = Object.entries(rec)
    .filter(([k]) => !HEAD.has(k) && k !== 'stage')
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  return [time, level.padEnd(5), `${who}${stage}:`, String(rec['msg'] ?? ''), ...fields].filter((s) => s !== '').join(' ');
}

/** A pino destination that writes each record through `write` as a readable line. */
export function prettyDestination(write: (line: string) => void): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      for (const json of chunk.split('\n')) if (json.trim()) write(`${formatLogLine(json)}\n`);
    },
  };
}
