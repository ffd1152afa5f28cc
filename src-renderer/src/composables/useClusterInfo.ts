// The cluster's identity and node connections, plus how the dashboard's link to the control plane
// stands. Retries by itself with backoff while the control plane is unreachable, and re-checks
// when the tab becomes visible again. (Live updates arrive with watch; until then this is a read.)

import { onMounted, onUnmounted, readonly, ref, type DeepReadonly, type Ref } from 'vue'
import type { ClusterInfo } from '../../../src-main/api/cluster-info.ts'
import { connectionFromError, retryDelayMs, type ControlPlaneConnection } from '../connection.ts'
import { TransportError, useTransport, type Transport } from '../transport/index.ts'

export interface ClusterInfoState {
  /** The last answer; kept while a later refresh fails, so the page does not go blank. */
  info: Readonly<Ref<DeepReadonly<ClusterInfo> | null>>
  connection: Readonly<Ref<ControlPlaneConnection>>
  /** What went wrong with the last refresh, for people. */
  error: Readonly<Ref<string | null>>
  /** True while a request is in flight. */
  loading: Readonly<Ref<boolean>>
  /** Asks again now (and resets the retry backoff). */
  refresh: () => Promise<void>
}

export function useClusterInfo(transport: Transport = useTransport()): ClusterInfoState {
  const info = ref<ClusterInfo | null>(null)
  const connection = ref<ControlPlaneConnection>('connecting')
  const error = ref<string | null>(null)
  const loading = ref(false)
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let disposed = false

  const scheduleRetry = () => {
    clearTimeout(retryTimer)
    retryTimer = setTimeout(() => void refresh(), retryDelayMs(attempt++))
  }

  async function refresh(): Promise<void> {
    clearTimeout(retryTimer)
    loading.value = true
    try {
      info.value = await transport.invoke('cluster:info')
      connection.value = 'connected'
      error.value = null
      attempt = 0
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
      connection.value = err instanceof TransportError ? connectionFromError(err.kind) : 'error'
      // Signing in happens in another tab or after a restart; only an outage heals by waiting.
      if (connection.value === 'unreachable' && !disposed) scheduleRetry()
    } finally {
      loading.value = false
    }
  }

  const onVisible = () => {
    if (document.visibilityState === 'visible') {
      attempt = 0
      void refresh()
    }
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisible)
    void refresh()
  })
  onUnmounted(() => {
    disposed = true
    clearTimeout(retryTimer)
    document.removeEventListener('visibilitychange', onVisible)
  })

  const manualRefresh = () => {
    attempt = 0
    return refresh()
  }

  return { info: readonly(info), connection: readonly(connection), error: readonly(error), loading: readonly(loading), refresh: manualRefresh }
}
