/**
 * Text the action did not write itself: an API's error message, a render's failure_message, a
 * storage or GitHub error body. It ends up in the log, the outputs, the job summary, the PR comment
 * and the release, so before it goes anywhere it loses the secrets a server may echo back, the
 * workflow commands it may smuggle in, and whatever length a report cannot hold.
 */

/** Room for any real error message, far below what breaks a summary or a comment. */
export const MESSAGE_MAX_CHARS = 4000

const REDACTED = '***'
const secrets = new Set<string>()

/**
 * Remembers a secret (the api-key, the github-token) so untrusted text never repeats it. The runner
 * masks secrets in the log only; files and requests the action writes are ours to keep clean.
 */
export function registerSecret(value: string): void {
  if (value === '') return
  for (const form of encodings(value)) secrets.add(form)
}

/** Forgets every secret; for tests that read inputs more than once in one process. */
export function forgetSecrets(): void {
  secrets.clear()
}

/** The forms a server is likely to echo a secret in: as sent, URL-encoded, JSON-escaped, base64. */
function encodings(value: string): string[] {
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), Buffer.from(value, 'utf8').toString('base64')]
  return [...new Set(forms)].filter((form) => form !== '')
}

export function redactSecrets(text: string): string {
  let out = text
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED)
  return out
}

/**
 * The runner obeys `::command::` (and the older `##[command]`) at the start of a line, after any
 * leading whitespace. A zero-width space inside every `::` and `##[` keeps the text readable and
 * makes it no command, wherever a line break may later put it.
 */
export function breakCommands(text: string): string {
  return text.replace(/:(?=:)/g, ':\u200b').replace(/#(?=#\[)/g, '#\u200b')
}

/** Cuts text to `max` characters and says how much was left out. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}… (${text.length - max} more characters)`
}

/**
 * Server-supplied text made safe to show anywhere: secrets redacted, on one line (no control
 * characters, so no forged log lines or terminal escapes), workflow commands broken, and capped.
 */
export function untrustedText(text: string, max = MESSAGE_MAX_CHARS): string {
  const oneLine = redactSecrets(text)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim()
  return capText(breakCommands(oneLine), max)
}

/**
 * A line for the log that may carry untrusted text: secrets redacted and workflow commands broken,
 * line breaks kept. The action's own commands go through @actions/core, never through this.
 */
export function safeLogLine(text: string): string {
  return breakCommands(redactSecrets(text))
}
