import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AdmZip from 'adm-zip'
import { isCompressedFormat } from '../src/project/compressed-formats.js'
import { writeZip, type ZipSource } from '../src/project/zip-writer.js'
import { UserError } from '../src/user-error.js'
import { REPO_ROOT } from './support/action-runner.js'

const WRITER = join(REPO_ROOT, 'src', 'project', 'zip-writer.ts')

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-zipw-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function source(name: string, content: string | Buffer): Promise<ZipSource> {
  const file = join(dir, name.replace(/\//g, '_'))
  await writeFile(file, content)
  return { path: name, size: Buffer.byteLength(content), source: file }
}

describe('writeZip', () => {
  it('stores already-compressed media as is and deflates the rest', async () => {
    const clip = randomBytes(64 * 1024)
    const entries = [await source('assets/clip.MP4', clip), await source('assets/logo.png', randomBytes(1000)), await source('index.html', '<html>'.repeat(1000))]
    const out = join(dir, 'out.zip')
    const written = await writeZip(entries, out)
    const bytes = await readFile(out)
    expect(written.size).toBe(bytes.length)
    expect(written.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))

    const zip = new AdmZip(out)
    expect(zip.getEntries().map((e) => [e.entryName, e.header.method])).toEqual([
      ['assets/clip.MP4', 0],
      ['assets/logo.png', 0],
      ['index.html', 8]
    ])
    expect(zip.readFile('assets/clip.MP4')?.equals(clip)).toBe(true)
    expect(zip.readAsText('index.html')).toBe('<html>'.repeat(1000))
    expect(isCompressedFormat('fonts/Inter.woff2')).toBe(true)
    expect(isCompressedFormat('data/scene.json')).toBe(false)
  })

  it('writes the same bytes in any time zone', async () => {
    const entries = [await source('a.txt', 'a'), await source('b/c.txt', 'c'.repeat(300))]
    // Jest's sandbox keeps its own process.env, so each zone gets a real Node process of its own.
    const inZone = (tz: string): { hour: number; sha256: string } => {
      const script = `import { writeZip } from ${JSON.stringify(WRITER)}
const r = await writeZip(${JSON.stringify(entries)}, ${JSON.stringify(join(dir, `${tz.replace('/', '-')}.zip`))})
console.log(JSON.stringify({ hour: new Date(0).getHours(), sha256: r.sha256 }))`
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, env: { ...process.env, TZ: tz }, encoding: 'utf8' })
      return JSON.parse(out) as { hour: number; sha256: string }
    }
    const utc = inZone('UTC')
    const kiritimati = inZone('Pacific/Kiritimati')
    expect(kiritimati.hour).not.toBe(utc.hour) // the zone really applied
    expect(kiritimati.sha256).toBe(utc.sha256)
    expect(utc.sha256).toBe((await writeZip(entries, join(dir, 'here.zip'))).sha256)
  })

  it('fails with the name of a file that changed size since it was listed, and leaves no zip behind', async () => {
    const grown = await source('assets/data.json', '{"a": 1}')
    const out = join(dir, 'out.zip')
    const error = await writeZip([{ ...grown, size: 3 }], out).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toContain("Project file 'assets/data.json' changed size while it was being packed")
    await expect(stat(out)).rejects.toThrow()
  })

  it('fails on a file that disappeared since it was listed', async () => {
    const gone = await source('gone.txt', 'x')
    await rm(gone.source)
    await expect(writeZip([gone], join(dir, 'out.zip'))).rejects.toThrow(/ENOENT/)
  })
})
