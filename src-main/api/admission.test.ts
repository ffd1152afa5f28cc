import { describe, expect, it } from 'vitest'
import { admitCreate, admitUpdate } from './admission.ts'
import { deployments, pods, services } from './registry.ts'
import { deepFreeze } from './testing/builders.ts'

/** A Deployment + Service pair as users keep them in YAML, applied unchanged. */
const nginxDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'nginx' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'nginx' }, annotations: { 'prometheus.io/scrape': 'true' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25.3',
            ports: [{ name: 'http', containerPort: 80 }],
            env: [{ name: 'TZ', value: 'UTC' }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 0.5, memory: '128Mi' } },
            livenessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 10 },
            readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 },
            securityContext: { allowPrivilegeEscalation: false },
            volumeMounts: [{ name: 'cache', mountPath: '/var/cache/nginx' }],
          },
        ],
        volumes: [{ name: 'cache', emptyDir: {} }],
        terminationGracePeriodSeconds: 30,
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'nginx' } }, topologyKey: 'kubernetes.io/hostname' } },
            ],
          },
        },
      },
    },
  },
}

const nginxService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nginx', namespace: 'default' },
  spec: { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] },
}

describe('admission of real manifests', () => {
  it('admits a realistic nginx Deployment unchanged but for Kubernetes defaults', () => {
    const result = admitCreate(deployments, deepFreeze(structuredClone(nginxDeployment)), { fieldValidation: 'Strict' })
    expect(result.errors).toEqual([])
    expect(result.status).toBeUndefined()
    const c = result.object.spec?.template.spec?.containers[0]
    expect(c?.resources?.limits).toEqual({ cpu: '500m', memory: '128Mi' })
    expect(c?.imagePullPolicy).toBe('IfNotPresent')
    expect(c?.livenessProbe).toMatchObject({ periodSeconds: 10, timeoutSeconds: 1, httpGet: { scheme: 'HTTP' } })
    expect(result.object.spec).toMatchObject({ revisionHistoryLimit: 10, progressDeadlineSeconds: 600 })
  })

  it('admits the matching NodePort Service', () => {
    const result = admitCreate(services, nginxService, { fieldValidation: 'Strict' })
    expect(result.errors).toEqual([])
    expect(result.object.spec).toMatchObject({ sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', ports: [{ protocol: 'TCP', targetPort: 'http' }] })
  })
})

describe('what kubectl and Helm generate', () => {
  it('admits `kubectl create deployment --dry-run=client -o yaml` output, empty objects and nulls included', () => {
    const generated = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { creationTimestamp: null, labels: { app: 'web' }, name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        strategy: {},
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ image: 'nginx', name: 'nginx', resources: {} }] },
        },
      },
      status: {},
    }
    const result = admitCreate(deployments, generated, { fieldValidation: 'Strict' })
    expect(result.errors).toEqual([])
    expect(result.object.metadata).toEqual({ labels: { app: 'web' }, name: 'web', namespace: 'default' })
  })

  it('admits the pod-spec habits of Helm charts: service accounts, empty security contexts, zero priority', () => {
    const chart = structuredClone(nginxDeployment) as typeof nginxDeployment & { spec: { template: { spec: Record<string, unknown> } } }
    Object.assign(chart.spec.template.spec, {
      serviceAccountName: 'nginx',
      automountServiceAccountToken: false,
      securityContext: {},
      priorityClassName: '',
      imagePullSecrets: [],
      nodeSelector: {},
      tolerations: [],
      hostUsers: true,
    })
    expect(admitCreate(deployments, chart, { fieldValidation: 'Strict' }).errors).toEqual([])
  })
})

describe('fieldValidation', () => {
  const withTypo = () => {
    const d = structuredClone(nginxDeployment) as Record<string, unknown> & typeof nginxDeployment
    ;(d.spec.template.spec.containers[0] as Record<string, unknown>).imagePullPolicyy = 'Always'
    return d
  }

  it('Strict refuses unknown fields with kube-apiserver strict decoding error', () => {
    const result = admitCreate(deployments, withTypo(), { fieldValidation: 'Strict' })
    expect(result.status).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    })
  })

  it('Warn (the default) drops them and warns', () => {
    const result = admitCreate(deployments, withTypo())
    expect(result.status).toBeUndefined()
    expect(result.warnings).toEqual(['unknown field "spec.template.spec.containers[0].imagePullPolicyy"'])
    expect(result.object.spec?.template.spec?.containers[0]).not.toHaveProperty('imagePullPolicyy')
  })

  it('Ignore drops them silently — but unsupported fields are refused whatever the mode', () => {
    expect(admitCreate(deployments, withTypo(), { fieldValidation: 'Ignore' })).toMatchObject({ warnings: [], errors: [] })
    const pvc = structuredClone(nginxDeployment)
    ;(pvc.spec.template.spec.volumes[0] as Record<string, unknown>) = { name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }
    const result = admitCreate(deployments, pvc, { fieldValidation: 'Ignore' })
    expect(result.status).toMatchObject({ code: 422, reason: 'Invalid' })
    expect(result.status?.message).toBe(
      'Deployment.apps "nginx" is invalid: spec.template.spec.volumes[0].persistentVolumeClaim: Forbidden: not supported by Coxswain: Coxswain has no persistent volumes; use a hostPath volume for data that must outlive the pod',
    )
    expect(result.status?.details?.causes).toEqual([
      {
        reason: 'FieldValueForbidden',
        field: 'spec.template.spec.volumes[0].persistentVolumeClaim',
        message: 'Forbidden: not supported by Coxswain: Coxswain has no persistent volumes; use a hostPath volume for data that must outlive the pod',
      },
    ])
  })
})

describe('errors come back as 422 Invalid with field causes', () => {
  it('reports semantic errors after a clean decode', () => {
    const result = admitCreate(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } })
    expect(result.status).toMatchObject({ code: 422, message: 'Pod "p" is invalid: spec.containers[0].image: Required value' })
    expect(result.errors).toEqual([{ type: 'FieldValueRequired', field: 'spec.containers[0].image', message: 'Required value', badValue: '' }])
  })

  it('stops at structural errors, listing unknown fields with them under Strict', () => {
    const raw = { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: '80' }] }], nodeSelectr: {} } }
    const result = admitCreate(pods, raw, { fieldValidation: 'Strict' })
    expect(result.errors.map((e) => [e.type, e.field])).toEqual([
      ['FieldValueTypeInvalid', 'spec.containers[0].ports[0].containerPort'],
      ['FieldValueUnknown', 'spec.nodeSelectr'],
    ])
  })

  it('never modifies the request body', () => {
    const raw = deepFreeze({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } })
    expect(() => admitCreate(pods, raw)).not.toThrow()
    expect(() => admitUpdate(pods, raw, admitCreate(pods, raw).object)).not.toThrow()
  })
})
