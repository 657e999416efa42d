import { unexpected } from './client.js'

/** Reads `data` from a success envelope and checks the fields we rely on are strings. */
export function dataObject(json: Record<string, unknown>, operation: string, status: number): Record<string, unknown> {
  const data = json.data
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw unexpected(operation, status, JSON.stringify(json))
  return data as Record<string, unknown>
}

export function requireString(obj: Record<string, unknown>, field: string, operation: string, status: number): string {
  const value = obj[field]
  if (typeof value !== 'string' || value === '') throw unexpected(operation, status, `missing string field '${field}' in ${JSON.stringify(obj)}`)
  return value
}

export function optionalString(obj: Record<string, unknown>, field: string): string | undefined {
  const value = obj[field]
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function optionalNumber(obj: Record<string, unknown>, field: string): number | undefined {
  const value = obj[field]
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}
