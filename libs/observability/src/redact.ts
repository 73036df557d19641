/**
 * Secrets never reach a log line or an error message printed by the CLI. Two nets: any `scheme://user:pass@` shape
 * is masked wherever it appears, and every secret value the process was configured with (passwords, tokens,
 * seeds) is masked verbatim, so that a library echoing one (ioredis' `WRONGPASS`, a URL in a stack) prints `***`.
 */
const known = new Set<string>();
let pattern: RegExp | undefined;

/** Adds secret values to mask in everything `redact` sees from now on. Short strings are ignored (too many false hits). */
export function addSecrets(secrets: Iterable<string>): void {
  let changed = false;
  for (const s of secrets) {
    // The JSON-escaped form too: a secret with a quote or backslash appears escaped in a log line.
    for (const form of [s, JSON.stringify(s).slice(1, -1)]) {
      if (form.length < 3 || known.has(form)) continue;
      known.add(form);
      changed = true;
    }
  }
  if (!changed) return;
  // Longest first, so that a secret containing another is masked whole.
  const parts = [...known].sort((a, b) => b.length - a.length).map(escape);
  pattern = new RegExp(parts.join('|'), 'g');
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"\\]*):([^\s/@'"\\]*)@/gi;

export function redact(text: string): string {
  let out = text.replace(URL_CREDENTIALS, '$1$2:***@');
  if (pattern) out = out.replace(pattern, '***');
  return out;
}

/** A URL for a log line: credentials masked, or `memory`/`none` for the embedded kinds. */
export function redactUrl(url: string | null | undefined): string {
  return url == null ? 'memory' : redact(url);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
