import { mergeManifests } from '../src/collect/merge-manifests.js'
import { parseManifest, type ShardManifest } from '../src/shard/manifest.js'
import { shardIndexes } from '../src/shard/partition.js'
import { resultEntry } from './support/result-entry.js'

const NAMES = ['a', 'b', 'c', 'd', 'e']

function manifest(index: number, count: number, attempt = 1, extra: Partial<ShardManifest> = {}, status = 'completed'): ShardManifest {
  return {
    schema: 1,
    action_version: '0.1.0',
    plan_digest: 'p'.repeat(64),
    total_entries: NAMES.length,
    shard: { index, count },
    sha: 'a'.repeat(40),
    run_id: 9,
    run_attempt: attempt,
    comment_key: 'project/index.html',
    entry_names: NAMES,
    header: { composition: 'project/index.html', settings: 'draft', asset_id: null, error: null },
    skipped: null,
    previews: {},
    results: shardIndexes(NAMES.length, { index, count }).map((i) => resultEntry(i, {}, status, { name: NAMES[i - 1], render_id: `r${i}-a${attempt}` })),
    ...extra
  }
}

describe('merging shard manifests', () => {
  it('orders every entry by index whatever order the manifests come in', () => {
    const merged = mergeManifests([manifest(2, 2), manifest(1, 2)])
    expect(merged.results.map((r) => r.name)).toEqual(NAMES)
    expect(merged.missing).toEqual([])
  })

  it('reports what no shard delivered as missing, with its name', () => {
    const merged = mergeManifests([manifest(1, 3)])
    expect(merged.missing).toEqual([2, 3, 5])
    expect(merged.results.map((r) => `${r.index}:${r.name}:${r.status}`)).toEqual(['1:a:completed', '2:b:missing', '3:c:missing', '4:d:completed', '5:e:missing'])
  })

  it('keeps the newest attempt of each shard, in any order', () => {
    const merged = mergeManifests([manifest(2, 2, 3, {}, 'completed'), manifest(1, 2), manifest(2, 2, 1, {}, 'failed')])
    expect(merged.used.map((m) => `${m.shard.index}:${m.run_attempt}`)).toEqual(['1:1', '2:3'])
    expect(merged.results.map((r) => r.render_id)).toEqual(['r1-a1', 'r2-a3', 'r3-a1', 'r4-a3', 'r5-a1'])
  })

  it('refuses shards whose plans differ, naming them', () => {
    expect(() => mergeManifests([manifest(1, 2), manifest(2, 2, 1, { plan_digest: 'q'.repeat(64) })])).toThrow(
      /different plans .*: 1\/2 \(attempt 1\) planned pppppppppppp; 2\/2 \(attempt 1\) planned qqqqqqqqqqqq\./
    )
    // An older attempt with another plan does not count once a newer one replaced it.
    expect(() => mergeManifests([manifest(1, 2), manifest(2, 2, 1, { plan_digest: 'q'.repeat(64) }), manifest(2, 2, 2)])).not.toThrow()
  })

  it("gathers the previews the shards hosted, the newest attempt's for each delivered entry", () => {
    const url = (i: number, a: number): string => `https://github.com/o/r/raw/previews/e${i}-a${a}.gif`
    const merged = mergeManifests([
      manifest(1, 2, 1, { previews: { 1: url(1, 1), 3: url(3, 1), 5: url(5, 1) } }),
      manifest(2, 2, 1, { previews: { 2: url(2, 1), 4: url(4, 1) } }),
      manifest(2, 2, 2, { previews: { 2: url(2, 2) } })
    ])
    expect([...merged.previews].sort(([a], [b]) => a - b)).toEqual([
      [1, url(1, 1)],
      [2, url(2, 2)],
      [3, url(3, 1)],
      [5, url(5, 1)]
    ])
    // A missing shard has no previews to show.
    expect([...mergeManifests([manifest(1, 2, 1, { previews: { 1: url(1, 1) } })]).previews.keys()]).toEqual([1])
  })

  it('reads only http(s) preview URLs under matrix indexes from a manifest file, and none from one without the field', () => {
    const { previews, ...old } = manifest(1, 2)
    expect(previews).toEqual({})
    expect(parseManifest(JSON.stringify(old), 'm.json').previews).toEqual({})
    const text = JSON.stringify({ ...old, previews: { 1: 'https://x/1.gif', 3: 'javascript:alert(1)', 0: 'https://x/0.gif', name: 'https://x/n.gif', 5: 7 } })
    expect(parseManifest(text, 'm.json').previews).toEqual({ 1: 'https://x/1.gif' })
  })

  it('refuses manifests of different commits and an empty set', () => {
    expect(() => mergeManifests([manifest(1, 2), manifest(2, 2, 1, { sha: 'b'.repeat(40) })])).toThrow(/different commits/)
    expect(() => mergeManifests([])).toThrow(/No shard manifests/)
  })

  it("carries the shards' own failures into the report", () => {
    const merged = mergeManifests([manifest(1, 2, 1, { header: { composition: 'x', settings: 's', asset_id: 'asset-1', error: 'boom' } }), manifest(2, 2)])
    expect(merged.shardErrors).toEqual(['shard 1/2: boom'])
    expect(merged.header.asset_id).toBe('asset-1')
  })

  it('reports a run whose every shard skipped on purpose as skipped, with nothing missing', () => {
    const skip = { skipped: 'api-key is empty', plan_digest: '', total_entries: 0, results: [] }
    const merged = mergeManifests([manifest(1, 2, 1, skip), manifest(2, 2, 1, skip)])
    expect(merged.skipped).toBe('api-key is empty')
    expect([merged.results, merged.missing]).toEqual([[], []])
  })
})
