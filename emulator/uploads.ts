import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { hasCredentialHeader } from './auth.js'
import { ApiError, BodyTooLarge, header, readBody, sendStorageError, type ApiResult } from './http-io.js'
import type { Presigner } from './presign.js'
import type { EmulatorStats } from './stats.js'
import { MAX_UPLOAD_BYTES, type DirectUploadBody } from './validate.js'

/** The one header (besides Content-Type) a presigned PUT must carry, echoing the declared checksum. */
export const UPLOAD_CHECKSUM_HEADER = 'x-emulator-upload-sha256'
/**
 * Signed headers whose values upload_headers gives as a number and a boolean: a client must send
 * them as their string forms ("1234", "true"), and a client that drops them breaks the signature.
 */
export const UPLOAD_SIZE_HEADER = 'x-emulator-upload-size'
export const UPLOAD_PRIVATE_HEADER = 'x-emulator-upload-private'
const SIGNED_HEADERS = new Set([UPLOAD_CHECKSUM_HEADER, UPLOAD_SIZE_HEADER, UPLOAD_PRIVATE_HEADER])

interface Asset {
  id: string
  declared: DirectUploadBody
  bytes?: Buffer
  completed: boolean
  /** The PUT landed but storage has not "caught up": the next complete answers 409 once. */
  lagging: boolean
}

/**
 * The direct-to-storage upload flow: initialise (API) → PUT to a presigned URL (storage, no API
 * key) → complete (API). Storage answers the way S3 does: XML errors, 403 for anything that
 * would break a signature, empty 200 with an ETag on success.
 */
export class Uploads {
  private readonly assets = new Map<string, Asset>()

  constructor(
    private readonly stats: EmulatorStats,
    private readonly presigner: Presigner,
    private readonly baseUrl: string,
    private readonly race: { probability: number; random: () => number } = { probability: 0, random: Math.random }
  ) {}

  createDirectUpload(body: DirectUploadBody): ApiResult {
    const id = randomBytes(16).toString('hex')
    this.assets.set(id, { id, declared: body, completed: false, lagging: false })
    this.stats.assetsCreated += 1
    return {
      status: 200,
      body: {
        data: {
          asset_id: id,
          upload_url: this.presigner.sign('PUT', uploadPath(id)).url,
          upload_headers: { [UPLOAD_CHECKSUM_HEADER]: body.checksum_sha256, [UPLOAD_SIZE_HEADER]: body.size_bytes, [UPLOAD_PRIVATE_HEADER]: true },
          expires_in_seconds: this.presigner.ttl,
          max_bytes: MAX_UPLOAD_BYTES,
          status: 'pending_upload'
        }
      }
    }
  }

  async put(req: IncomingMessage, res: ServerResponse, assetId: string, query: URLSearchParams): Promise<void> {
    const check = this.presigner.check('PUT', uploadPath(assetId), query)
    if (check === 'invalid') return sendStorageError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
    if (check === 'expired') return sendStorageError(res, 403, 'AccessDenied', 'Request has expired')
    const asset = this.assets.get(assetId)
    if (!asset) return sendStorageError(res, 404, 'NoSuchUpload', 'The specified upload does not exist.')
    if (hasCredentialHeader(req)) {
      return sendStorageError(res, 403, 'SignatureDoesNotMatch', 'signature mismatch: a presigned URL must be used without x-api-key or Authorization headers.')
    }
    const problem = headerProblem(req, asset)
    if (problem) return sendStorageError(res, 403, 'SignatureDoesNotMatch', `signature mismatch: ${problem}`)
    // A completed upload may be PUT again, as an S3 object can be overwritten while its URL is
    // live: a client retrying with the same Idempotency-Key gets the same upload_url replayed and
    // PUTs again (HeyGen's own CLI does). The checks below only let the declared bytes through.
    // Like S3, a presigned PUT must announce its length; chunked uploads are refused.
    if (req.headers['content-length'] === undefined) {
      return sendStorageError(res, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.')
    }

    let bytes: Buffer
    try {
      bytes = await readBody(req, asset.declared.size_bytes)
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        return sendStorageError(res, 400, 'EntityTooLarge', `Your proposed upload exceeds the declared size of ${asset.declared.size_bytes} bytes.`)
      }
      throw err
    }
    this.stats.bytesUploaded += bytes.length
    if (bytes.length !== asset.declared.size_bytes) {
      return sendStorageError(res, 400, 'IncompleteBody', `Received ${bytes.length} bytes, declared size_bytes is ${asset.declared.size_bytes}.`)
    }
    const digest = createHash('sha256').update(bytes).digest('hex')
    if (digest !== asset.declared.checksum_sha256) {
      return sendStorageError(res, 400, 'BadDigest', 'The SHA-256 of the body does not match the declared checksum.')
    }
    asset.bytes = bytes
    // Drawn only when the race is on, so a seeded run without it draws as it always did.
    if (this.race.probability > 0 && this.race.random() < this.race.probability) asset.lagging = true
    res.writeHead(200, { etag: `"${createHash('md5').update(bytes).digest('hex')}"`, 'content-length': '0' })
    res.end()
  }

  /** Idempotent by nature: completing twice returns the same asset. */
  complete(assetId: string, checksum: string): ApiResult {
    const asset = this.assets.get(assetId)
    if (!asset) throw new ApiError(404, 'asset_not_found', `Asset '${assetId}' not found.`, 'asset_id')
    if (!asset.bytes) throw notFoundYet()
    if (asset.lagging) {
      asset.lagging = false
      throw notFoundYet()
    }
    if (checksum !== asset.declared.checksum_sha256) {
      throw new ApiError(400, 'checksum_mismatch', 'checksum_sha256 does not match the checksum declared when the upload was created.', 'checksum_sha256')
    }
    asset.completed = true
    return {
      status: 200,
      body: {
        data: {
          asset_id: asset.id,
          url: `${this.baseUrl}/_storage/assets/${asset.id}`,
          mime_type: asset.declared.content_type,
          size_bytes: asset.declared.size_bytes,
          status: 'processing'
        }
      }
    }
  }

  bytesOf(assetId: string): Buffer | undefined {
    return this.assets.get(assetId)?.bytes
  }

  /** The filename the upload was created with. */
  filenameOf(assetId: string): string | undefined {
    return this.assets.get(assetId)?.declared.filename
  }

  /** The zip behind an asset_id, or why it cannot be rendered yet. */
  zipFor(assetId: string): Buffer {
    const asset = this.assets.get(assetId)
    if (!asset) throw new ApiError(400, 'invalid_parameter', `project.asset_id '${assetId}' does not exist.`, 'project')
    if (!asset.completed || !asset.bytes) {
      throw new ApiError(400, 'invalid_parameter', `project.asset_id '${assetId}' is not uploaded yet: PUT the bytes and call POST /v3/assets/${assetId}/complete first.`, 'project')
    }
    return asset.bytes
  }
}

/** The contract's answer while storage has not caught up with a PUT (or before any PUT). */
function notFoundYet(): ApiError {
  return new ApiError(409, 'upload_not_found', 'uploaded object not found yet', 'asset_id')
}

function uploadPath(assetId: string): string {
  return `/_storage/uploads/${assetId}`
}

/** Content-Type must equal the declared one and the signed headers must match, with no extra x-* headers. */
function headerProblem(req: IncomingMessage, asset: Asset): string | undefined {
  const contentType = header(req, 'content-type')
  if (contentType !== asset.declared.content_type) {
    return `Content-Type must be '${asset.declared.content_type}' (as declared), got '${contentType ?? ''}'.`
  }
  const signed: Record<string, string> = {
    [UPLOAD_CHECKSUM_HEADER]: asset.declared.checksum_sha256,
    [UPLOAD_SIZE_HEADER]: String(asset.declared.size_bytes),
    [UPLOAD_PRIVATE_HEADER]: 'true'
  }
  for (const [name, value] of Object.entries(signed)) {
    if (header(req, name) !== value) return `header ${name} must be exactly the value from upload_headers ('${value}'), got '${header(req, name) ?? ''}'.`
  }
  const extra = Object.keys(req.headers).filter((name) => name.startsWith('x-') && !SIGNED_HEADERS.has(name))
  return extra.length > 0 ? `unsigned headers present: ${extra.join(', ')}.` : undefined
}
