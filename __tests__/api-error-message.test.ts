import { ApiError } from '../src/heygen/api-error.js'

describe('ApiError messages', () => {
  it('puts one full stop between the API message and the hint', () => {
    const e = new ApiError('Submitting render-1', 401, 'authentication_failed', 'Invalid or expired API key. Verify your x-api-key header.')
    expect(e.message).not.toContain('..')
    expect(e.message).toMatch(/Verify your x-api-key header\. The api-key was refused: /)
  })

  it('leaves a message without a hint as the API wrote it', () => {
    const e = new ApiError('Polling', 418, 'teapot', 'Short and stout.')
    expect(e.message).toMatch(/: Short and stout\.$/)
  })
})
