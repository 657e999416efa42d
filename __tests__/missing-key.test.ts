import { missingKeyDecision } from '../src/inputs/missing-key.js'

describe('on-missing-key', () => {
  const ctx = { actor: 'someone', repository: 'octo/videos', headRepository: undefined }

  it('renders when the key is there, whatever the mode', () => {
    expect(missingKeyDecision('k', 'skip', ctx)).toEqual({ action: 'render' })
    expect(missingKeyDecision('k', 'fail', ctx)).toEqual({ action: 'render' })
  })

  it('fails with an input error in fail mode', () => {
    expect(() => missingKeyDecision('', 'fail', ctx)).toThrow("Input 'api-key': is empty")
  })

  it('skips with a reason that names the fork, Dependabot, or the secret', () => {
    const fork = missingKeyDecision('', 'skip', { ...ctx, headRepository: 'someone/videos' })
    expect(fork).toMatchObject({ action: 'skip' })
    expect(fork.action === 'skip' && fork.reason).toContain('comes from the fork someone/videos')
    const bot = missingKeyDecision('', 'skip', { ...ctx, actor: 'dependabot[bot]' })
    expect(bot.action === 'skip' && bot.reason).toContain('triggered by Dependabot')
    const plain = missingKeyDecision('', 'skip', { ...ctx, headRepository: 'Octo/Videos' })
    expect(plain.action === 'skip' && plain.reason).toContain('The secret is unset or not passed to this workflow')
    expect(plain.action === 'skip' && plain.reason).toContain('Set on-missing-key: local to render on the runner instead, or on-missing-key: fail')
  })
})
