// The namespace every namespaced list shows, chosen once in the shell and shared by every view.
// '' means all namespaces. Remembered across reloads (a namespace name is not a secret).

import { ref, watch, type Ref } from 'vue'

export const ALL_NAMESPACES = ''
const STORAGE_KEY = 'coxswain.namespace'

function stored(): string {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? ALL_NAMESPACES
  } catch {
    return ALL_NAMESPACES
  }
}

const current = ref(stored())
watch(current, (ns) => {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, ns)
  } catch {
    // Storage refused (private mode, quota): the choice lasts this session only.
  }
})

export function useNamespace(): Ref<string> {
  return current
}
