// A write started by a click (delete, patch, cordon): while it runs the buttons can say so, and a
// refusal from the API server is kept to show where the click was. Anything else is a defect and
// is thrown on, not shown as if the server had said it.

import { ref, type Ref } from 'vue'
import { ApiError } from '../transport/api-error.ts'

export interface ApiWrite {
  /** The API server's refusal of the last write; cleared when the next one starts. */
  error: Ref<ApiError | null>
  busy: Ref<boolean>
  run(write: () => Promise<unknown>): Promise<void>
}

export function useApiWrite(): ApiWrite {
  const error = ref<ApiError | null>(null)
  const busy = ref(false)
  async function run(write: () => Promise<unknown>): Promise<void> {
    busy.value = true
    error.value = null
    try {
      await write()
    } catch (err) {
      if (err instanceof ApiError) error.value = err
      else throw err
    } finally {
      busy.value = false
    }
  }
  return { error, busy, run }
}
