import { defaultCommentKey } from '../src/inputs/github-inputs.js'

describe('comment-key default', () => {
  it('is the project path and the composition, relative to the workspace', () => {
    expect(defaultCommentKey('/ws', 'video', 'index.html')).toBe('video/index.html')
    expect(defaultCommentKey('/ws', './video/', 'intro.html')).toBe('video/intro.html')
    expect(defaultCommentKey('/ws', '.', 'index.html')).toBe('index.html')
    expect(defaultCommentKey('/ws', '', '')).toBe('index.html')
    expect(defaultCommentKey('/ws', 'a/b', 'comps/outro.html')).toBe('a/b/comps/outro.html')
  })
})
