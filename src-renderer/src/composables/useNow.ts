// The time ages are measured against, ticking so "45s" becomes "1m" without any request.

import { onScopeDispose, ref, type Ref } from 'vue'

export function useNow(intervalMs = 5_000): Readonly<Ref<number>> {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), intervalMs)
  onScopeDispose(() => clearInterval(timer))
  return now
}
