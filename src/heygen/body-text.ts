/** A server's body as one short line for an error message: whitespace folded, 200 characters at most. */
export function summarize(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine ? oneLine.slice(0, 200) : 'empty response body'
}
