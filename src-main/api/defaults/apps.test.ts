import { describe, expect, it } from 'vitest'
import { deepFreeze, makeDeployment } from '../testing/builders.ts'
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet } from './apps.ts'

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } }

describe('apps defaults', () => {
  it('defaults a Deployment: 1 replica, RollingUpdate 25%/25%, 10 revisions, 600 s, template defaults', () => {
    const d = deepFreeze({ metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template } })
    const spec = defaultDeployment(d).spec
    expect(spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    })
    expect(spec?.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 })
    expect(spec?.template.spec).not.toHaveProperty('enableServiceLinks')
    expect(spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent')
  })

  it('keeps a Recreate strategy without rolling-update parameters, and explicit zeros', () => {
    const d = makeDeployment().withReplicas(0).withSpec({ strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 }).obj()
    expect(defaultDeployment(d).spec).toMatchObject({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 })
    expect(defaultDeployment(d).spec?.strategy?.rollingUpdate).toBeUndefined()
  })

  it('fills a partly given rolling update', () => {
    const d = makeDeployment().withSpec({ strategy: { rollingUpdate: { maxSurge: 1 } } }).obj()
    expect(defaultDeployment(d).spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } })
  })

  it('defaults a ReplicaSet to 1 replica', () => {
    expect(defaultReplicaSet(deepFreeze({ metadata: { name: 'rs' }, spec: { selector: { matchLabels: { app: 'web' } }, template } })).spec?.replicas).toBe(1)
  })

  it('defaults a DaemonSet: RollingUpdate maxUnavailable 1 maxSurge 0, 10 revisions', () => {
    const ds = defaultDaemonSet(deepFreeze({ metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'web' } }, template } }))
    expect(ds.spec).toMatchObject({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 })
    const onDelete = defaultDaemonSet({ metadata: { name: 'agent' }, spec: { selector: {}, template, updateStrategy: { type: 'OnDelete' } } })
    expect(onDelete.spec?.updateStrategy).toEqual({ type: 'OnDelete' })
  })
})
