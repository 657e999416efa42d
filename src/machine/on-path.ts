import { accessSync, constants, existsSync, statSync } from 'node:fs'
import path from 'node:path'

/** Every executable called `name` on PATH, in PATH order. */
export function onPathAll(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : ['']
  const found: string[] = []
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext)
      if (isExecutable(candidate) && !found.includes(candidate)) found.push(candidate)
    }
  }
  return found
}

export function isExecutable(file: string): boolean {
  try {
    if (!existsSync(file) || !statSync(file).isFile()) return false
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}
