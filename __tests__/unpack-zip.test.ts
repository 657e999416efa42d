import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import AdmZip from 'adm-zip'
import { unpackZip } from '../src/project/unpack-zip.js'
import { REPO_ROOT } from './support/action-runner.js'
import { MiB, writeZeroBomb } from './support/zero-bomb.js'

const tmp: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hf-unpack-'))
  tmp.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true })
})

describe('unpackZip', () => {
  it('restores every file, stored or deflated, from a path or a buffer', async () => {
    const zip = new AdmZip()
    zip.addFile('index.html', Buffer.from('<html>hi</html>'))
    zip.addFile('assets/', Buffer.alloc(0))
    zip.addFile('assets/data.bin', Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)))
    const file = path.join(tempDir(), 'p.zip')
    zip.writeZip(file)
    for (const source of [file, readFileSync(file)]) {
      const dest = tempDir()
      expect(await unpackZip(source, dest)).toBe(2)
      expect(readFileSync(path.join(dest, 'index.html'), 'utf8')).toBe('<html>hi</html>')
      expect(readFileSync(path.join(dest, 'assets', 'data.bin')).equals(Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)))).toBe(true)
    }
  })

  it('refuses an entry that points outside the folder', async () => {
    const zip = new AdmZip()
    zip.addFile('aa/x.txt', Buffer.from('fine'))
    zip.addFile('ok.txt', Buffer.from('good'))
    const bytes = zip.toBuffer()
    // Rename the entry to '../x.txt' in both headers (same length keeps every offset).
    const evil = Buffer.from(bytes.toString('latin1').split('aa/x.txt').join('../x.txt'), 'latin1')
    await expect(unpackZip(evil, tempDir())).rejects.toThrow("zip entry '../x.txt' points outside the project folder")
  })

  it('streams a 200 MB entry: the process never holds it in memory', async () => {
    const dir = tempDir()
    const zip = path.join(dir, 'big.zip')
    await writeZeroBomb(zip, 200)
    const script = path.join(dir, 'unpack.mts')
    // A child process, so the peak RSS measured is the unpack's alone: the zip is written here,
    // so nothing but the unpack could push the child's peak near the entry's size.
    writeFileSync(
      script,
      `import { unpackZip } from ${JSON.stringify(path.join(REPO_ROOT, 'src/project/unpack-zip.ts'))}
const before = process.resourceUsage().maxRSS
const files = await unpackZip(${JSON.stringify(zip)}, ${JSON.stringify(path.join(dir, 'out'))})
console.log(JSON.stringify({ files, before, after: process.resourceUsage().maxRSS }))
`
    )
    const out = execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [script], { encoding: 'utf8', cwd: REPO_ROOT })
    const { files, after } = JSON.parse(out.trim().split('\n').pop() as string) as { files: number; before: number; after: number }
    expect(files).toBe(2)
    expect(statSync(path.join(dir, 'out', 'big.bin')).size).toBe(200 * MiB)
    expect(readFileSync(path.join(dir, 'out', 'index.html'), 'utf8')).toBe('<html></html>')
    // maxRSS is in KiB. Holding the entry would take over 200 MiB; streaming stays near the baseline.
    expect(after / 1024).toBeLessThan(150)
  }, 120_000)
})
