import type { OpenBackend } from '../render/open-backend.js'
import { plural } from '../render/open-backend.js'
import { uploadKey } from '../render/idempotency.js'
import { HeygenBackend } from './backend.js'
import { HeygenClient } from './client.js'
import { uploadFilename, uploadZip } from './upload.js'

/** HeyGen: the zip is uploaded once, and every render names the asset. */
export const openHeygenBackend: OpenBackend = async (setup, ctx) => {
  const client = new HeygenClient({
    apiUrl: setup.service.url,
    apiKey: setup.service.apiKey,
    signal: ctx.signal,
    timeoutMs: setup.service.requestTimeoutMs,
    log: ctx.log.info,
    now: ctx.now,
    sleep: ctx.sleep
  })
  try {
    const assetId = await uploadZip(client, setup.zip, uploadKey(setup.zip.sha256), ctx.warning, uploadFilename(setup.projectDir))
    ctx.log.info(`Uploaded the project once as asset ${assetId}; submitting ${plural(setup.jobCount, 'render')} (up to ${setup.concurrency} at a time).`)
    return {
      backend: new HeygenBackend(client, assetId),
      assetId,
      label: 'HeyGen API',
      stats: () =>
        `API requests: ${client.stats.requests} (${Object.entries(client.stats.byKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}), retries: ${client.stats.retries}.`,
      close: () => client.close()
    }
  } catch (error) {
    await client.close()
    throw error
  }
}
