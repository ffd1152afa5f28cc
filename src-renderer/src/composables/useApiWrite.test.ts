import { describe, expect, it } from 'vitest'
import { ApiError } from '../transport/api-error.ts'
import { useApiWrite } from './useApiWrite.ts'

describe('useApiWrite', () => {
  it('is busy while the write runs, and keeps no error when it succeeds', async () => {
    const write = useApiWrite()
    let busyDuring = false
    await write.run(async () => {
      busyDuring = write.busy.value
    })
    expect(busyDuring).toBe(true)
    expect(write.busy.value).toBe(false)
    expect(write.error.value).toBeNull()
  })

  it('keeps the API server\'s refusal, and clears it when the next write starts', async () => {
    const write = useApiWrite()
    const refusal = new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid', message: 'metadata.name: Invalid value' })
    await write.run(() => Promise.reject(refusal))
    expect(write.error.value).toBe(refusal)
    expect(write.busy.value).toBe(false)
    let errorDuring: ApiError | null = refusal
    await write.run(async () => {
      errorDuring = write.error.value
    })
    expect(errorDuring).toBeNull()
  })

  it('throws anything else on: a defect, not a refusal', async () => {
    const write = useApiWrite()
    await expect(write.run(() => Promise.reject(new TypeError('x is undefined')))).rejects.toThrow('x is undefined')
    expect(write.error.value).toBeNull()
    expect(write.busy.value).toBe(false)
  })
})
