import { GitHubClient, TokenTargetError, loadGitHubModules, githubApiUrl, isPermissionError, spacesWrites } from '../src/publish/github-client.js'

// The client that carries the github-token: where it may send it, and how it reads GitHub's refusals.

describe('GitHub token guard', () => {
  const HEYGEN = 'https://api.heygen.com'
  const client = async (): Promise<GitHubClient> =>
    new GitHubClient({ token: 't0ken', apiUrl: new URL('http://127.0.0.1:9/api'), repository: 'octo/videos', refuseOrigins: [HEYGEN] }, await loadGitHubModules())

  it('takes GITHUB_API_URL only over https, or http on loopback', () => {
    expect(githubApiUrl({}).href).toBe('https://api.github.com/')
    expect(githubApiUrl({ GITHUB_API_URL: 'https://ghe.example.com/api/v3' }).origin).toBe('https://ghe.example.com')
    expect(githubApiUrl({ GITHUB_API_URL: 'http://127.0.0.1:4100' }).origin).toBe('http://127.0.0.1:4100')
    expect(() => githubApiUrl({ GITHUB_API_URL: 'http://ghe.example.com/api/v3' })).toThrow(TokenTargetError)
  })

  it('spaces writes as GitHub asks, except to a stand-in on loopback', () => {
    expect(spacesWrites(new URL('https://api.github.com'))).toBe(true)
    expect(spacesWrites(new URL('https://ghe.example.com/api/v3'))).toBe(true)
    expect(spacesWrites(new URL('https://127.0.0.1.nip.io'))).toBe(true)
    expect(spacesWrites(new URL('http://127.0.0.1:4100'))).toBe(false)
    expect(spacesWrites(new URL('http://[::1]:4100'))).toBe(false)
    expect(spacesWrites(new URL('http://localhost:4100'))).toBe(false)
  })

  it('refuses an API URL that is HeyGen itself', async () => {
    const modules = await loadGitHubModules()
    expect(() => new GitHubClient({ token: 't', apiUrl: new URL(HEYGEN), repository: 'o/r', refuseOrigins: [HEYGEN] }, modules)).toThrow(/never sent there/)
  })

  it('trusts an upload URL from the API only when it is safe', async () => {
    const gh = await client()
    expect(gh.trustUploadUrl('https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}').origin).toBe('https://uploads.github.com')
    expect(() => gh.trustUploadUrl(`${HEYGEN}/repos/o/r/releases/1/assets{?name,label}`)).toThrow(/HeyGen api-url/)
    expect(() => gh.trustUploadUrl('http://uploads.example.com/x')).toThrow(/not https/)
    expect(() => gh.trustUploadUrl('not a url')).toThrow(/not a URL/)
  })

  it('refuses, before any connection, a request to an origin nobody vouched for', async () => {
    const gh = await client()
    // Port 1 on loopback: were the request sent, it would fail differently (connection refused).
    // With the retry plugin's defaults: the refusal itself comes back, not a status-500 error the
    // plugin has retried three times (1 + 4 + 9 s of backoff), each refused the same way.
    const refused = gh.octokit.request('GET http://127.0.0.2:1/anything')
    await expect(refused).rejects.toBeInstanceOf(TokenTargetError)
    await expect(refused).rejects.toThrow(/Refused to send the GitHub token to http:\/\/127\.0\.0\.2:1/)
    expect(gh.requests).toBe(0)
  })

  it('tells a missing permission from a rate limit', () => {
    expect(isPermissionError(Object.assign(new Error('Resource not accessible by integration'), { status: 403 }))).toBe(true)
    expect(isPermissionError(Object.assign(new Error('API rate limit exceeded for installation'), { status: 403 }))).toBe(false)
    expect(isPermissionError(Object.assign(new Error('Not Found'), { status: 404 }))).toBe(false)
  })
})
