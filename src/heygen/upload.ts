import path from 'node:path'
import { UserError } from '../user-error.js'
import { ApiError } from './api-error.js'
import type { HeygenClient } from './client.js'
import { dataObject, requireString } from './envelope.js'
import { PresignedError, putFile } from './presigned.js'
import { DEFAULT_RETRY, backoffMs } from './retry-policy.js'

export interface ZipToUpload {
  zipPath: string
  sha256: string
  size: number
}

/**
 * `<project folder>.zip`, the name HeyGen's CLI uploads under, so the asset is recognisable in
 * HeyGen's asset library.
 */
export function uploadFilename(projectDir: string): string {
  const folder = path.basename(path.resolve(projectDir)) || 'project'
  return `${folder.slice(0, 251)}.zip`
}

const CONTENT_TYPE = 'application/zip'
const UPLOAD_TRIES = 3
const COMPLETE_TRIES = 8
const PUT_TRIES = 5

/**
 * The direct-to-storage flow: create → PUT the bytes → complete. The create carries an
 * idempotency key, because without one a blind retry creates (and bills) a second asset.
 */
export async function uploadZip(client: HeygenClient, zip: ZipToUpload, key: string, log: (line: string) => void, filename = 'project.zip'): Promise<string> {
  let lastProblem = ''
  for (let round = 0; round < UPLOAD_TRIES; round++) {
    // A fresh key per round: the old one would replay the same expired upload URL.
    const roundKey = round === 0 ? key : `${key}.r${round}`
    const created = await client.call('POST', '/v3/assets/direct-uploads', {
      operation: 'Create direct upload',
      kind: 'upload-create',
      idempotencyKey: roundKey,
      body: { filename, content_type: CONTENT_TYPE, size_bytes: zip.size, checksum_sha256: zip.sha256 }
    })
    const data = dataObject(created.json, 'Create direct upload', created.status)
    const assetId = requireString(data, 'asset_id', 'Create direct upload', created.status)
    const uploadUrl = requireString(data, 'upload_url', 'Create direct upload', created.status)
    const uploadHeaders = uploadHeaderValues(data.upload_headers)

    try {
      await putWithRetry(client, uploadUrl, { 'content-type': CONTENT_TYPE, ...uploadHeaders }, zip)
    } catch (error) {
      if (!(error instanceof PresignedError) || !error.needsFreshUrl) throw error
      // A replayed create hands back its original, possibly expired URL. If those bytes arrived
      // on an earlier run, completing succeeds and nothing needs sending again.
      if (await tryComplete(client, assetId, zip, 1)) return assetId
      lastProblem = error.message
      log(`Upload URL for asset ${assetId} was refused (${error.message}); starting the upload again.`)
      continue
    }
    if (await tryComplete(client, assetId, zip, COMPLETE_TRIES)) return assetId
    lastProblem = `storage never confirmed the upload of asset ${assetId}`
  }
  throw new UserError(`Uploading the project zip failed after ${UPLOAD_TRIES} attempts: ${lastProblem}.`)
}

async function putWithRetry(client: HeygenClient, url: string, headers: Record<string, string>, zip: ZipToUpload): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await putFile(url, headers, zip.zipPath, zip.size, client.dispatcher, client.signal)
    } catch (error) {
      const transient = error instanceof PresignedError ? error.status >= 500 || error.status === 429 : !client.signal?.aborted
      if (!transient || attempt >= PUT_TRIES) throw error
      await client.sleep(backoffMs(attempt, DEFAULT_RETRY))
    }
  }
}

/** Completes the upload; a 409 right after the PUT means storage has not caught up yet. */
async function tryComplete(client: HeygenClient, assetId: string, zip: ZipToUpload, tries: number): Promise<boolean> {
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      await client.call('POST', `/v3/assets/${encodeURIComponent(assetId)}/complete`, {
        operation: 'Complete upload',
        kind: 'upload-complete',
        // No key: complete is idempotent by itself, and a keyed early 409 could be replayed forever.
        idempotent: true,
        body: { checksum_sha256: zip.sha256 }
      })
      return true
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) throw error
      if (attempt < tries) await client.sleep(Math.min(250 * 2 ** (attempt - 1), 4000))
    }
  }
  return false
}

/**
 * upload_headers as strings: numbers and booleans are sent as their text ("1234", "true"), as
 * HeyGen's CLI sends them; dropping them would break the presigned signature.
 */
export function uploadHeaderValues(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[name] = String(v)
  }
  return out
}
