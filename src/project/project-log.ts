/** Where a finding points in the repository: a workspace-relative file and, if known, a line. */
export interface Annotation {
  file: string
  startLine?: number
  title?: string
}

/**
 * How the project stage reports what it found. main.ts maps it to @actions/core, so warnings
 * and errors become annotations on the file and line in the pull request.
 */
export interface ProjectLog {
  info(line: string): void
  warning(message: string, at?: Annotation): void
  error(message: string, at?: Annotation): void
  /** Worth knowing, never a problem; a log without it says the same as a line of info. */
  notice?(message: string, at?: Annotation): void
}
