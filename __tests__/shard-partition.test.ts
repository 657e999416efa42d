import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ACTION_VERSION } from '../src/shard/action-version.js'
import { commentKeyDigest, manifestArtifactName, parseManifest } from '../src/shard/manifest.js'
import { inShard, keepShard, shardIndexes } from '../src/shard/partition.js'
import { planShards } from '../src/shard/plan-mode.js'
import { parseShard } from '../src/shard/shard-spec.js'
import { REPO_ROOT } from './support/action-runner.js'

describe('shard partition', () => {
  for (const entries of [1, 5, 7, 12]) {
    it(`splits ${entries} entries into disjoint, complete shards for every n from 1 to ${entries + 2}`, () => {
      const all = Array.from({ length: entries }, (_, i) => i + 1)
      for (let n = 1; n <= entries + 2; n++) {
        const seen: number[] = []
        for (let i = 1; i <= n; i++) {
          const shard = { index: i, count: n }
          const mine = keepShard(all, shard, (x) => x)
          expect(shardIndexes(entries, shard)).toEqual(mine)
          seen.push(...mine)
          // Round-robin: shard sizes differ by at most one, and only extra shards are empty.
          expect(mine.length).toBe(Math.floor(entries / n) + (i <= entries % n ? 1 : 0))
        }
        expect(seen.sort((a, b) => a - b)).toEqual(all)
      }
    })
  }

  it('deals entries round-robin: 1/2 has 1, 3, 5 and 2/2 has 2, 4', () => {
    expect(shardIndexes(5, { index: 1, count: 2 })).toEqual([1, 3, 5])
    expect(shardIndexes(5, { index: 2, count: 2 })).toEqual([2, 4])
    expect(inShard(4, { index: 1, count: 3 })).toBe(true)
    expect(shardIndexes(2, { index: 3, count: 3 })).toEqual([])
  })
})

describe('shard input', () => {
  it('reads i/n and leaves empty as unsharded', () => {
    expect(parseShard('')).toBeUndefined()
    expect(parseShard('  ')).toBeUndefined()
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 })
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 })
  })

  it.each([
    ['3', /Input 'shard': '3' is not a shard; expected i\/n/],
    ['0/2', /names shard 0 of 2; expected i from 1 to 2/],
    ['3/2', /names shard 3 of 2/],
    ['1/0', /has 0 shards; expected from 1 to 256/],
    ['1/300', /has 300 shards/],
    ['a/b', /is not a shard/]
  ])('refuses %s naming the input', (raw, message) => {
    expect(() => parseShard(raw)).toThrow(message)
  })
})

describe('shard plan (mode: plan)', () => {
  it('sizes the list by entries-per-shard', () => {
    expect(planShards(10, 3)).toEqual(['1/4', '2/4', '3/4', '4/4'])
    expect(planShards(9, 3)).toEqual(['1/3', '2/3', '3/3'])
    expect(planShards(1, 10)).toEqual(['1/1'])
    expect(planShards(0, 10)).toEqual(['1/1'])
    expect(() => planShards(1000, 1)).toThrow(/Input 'entries-per-shard': 1 gives 1000 shards .* at least 4/)
  })
})

describe('shard manifest', () => {
  it('names the artifact per comment key, shard and attempt', () => {
    const name = manifestArtifactName('project/index.html', { index: 2, count: 4 }, 3)
    expect(name).toBe(`hyperframes-shard-${commentKeyDigest('project/index.html')}-2of4-a3`)
    expect(commentKeyDigest('project/index.html')).toMatch(/^[0-9a-f]{12}$/)
    expect(commentKeyDigest('other')).not.toBe(commentKeyDigest('project/index.html'))
  })

  it('refuses what is not a manifest, naming the file', () => {
    expect(() => parseManifest('nope', 'a.json')).toThrow(/a\.json is not JSON/)
    expect(() => parseManifest('{"schema":2}', 'b.json')).toThrow(/b\.json is not a shard manifest: schema 2 is not 1/)
    const ok = {
      schema: 1,
      action_version: '0.1.0',
      plan_digest: 'd',
      total_entries: 2,
      shard: { index: 1, count: 2 },
      sha: 'a'.repeat(40),
      run_id: 1,
      run_attempt: 1,
      comment_key: 'k',
      header: { composition: 'c', settings: 's', asset_id: null, error: null },
      results: [{ index: 1, name: 'one', status: 'completed' }]
    }
    expect(parseManifest(JSON.stringify(ok), 'c.json').shard).toEqual({ index: 1, count: 2 })
    expect(() => parseManifest(JSON.stringify({ ...ok, shard: { index: 3, count: 2 } }), 'd.json')).toThrow(/shard is not/)
    expect(() => parseManifest(JSON.stringify({ ...ok, results: [{ index: 0 }] }), 'e.json')).toThrow(/a result lacks/)
  })

  it('records the version package.json declares', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(ACTION_VERSION).toBe(pkg.version)
  })
})
