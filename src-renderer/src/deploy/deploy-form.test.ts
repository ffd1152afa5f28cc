import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { emptyDeployForm, formFieldOf, formYaml, nameFromImage, objectsFromForm, parsePorts, splitCommand, type DeployForm } from './deploy-form.ts'

const form = (patch: Partial<DeployForm>): DeployForm => ({ ...emptyDeployForm('shop'), ...patch })

describe('nameFromImage', () => {
  it.each([
    ['nginx', 'nginx'],
    ['nginx:1.27', 'nginx'],
    ['registry.lan:5000/team/Web_App:1.2', 'web-app'],
    ['ghcr.io/org/api@sha256:abc', 'api'],
    ['', ''],
  ])('%j -> %j', (image, name) => expect(nameFromImage(image)).toBe(name))
})

describe('parsePorts', () => {
  it.each([
    ['', []],
    ['80', [80]],
    ['80, 443 8080', [80, 443, 8080]],
    ['http', ['http']],
  ])('%j', (text, ports) => expect(parsePorts(text).map((p) => p.containerPort)).toEqual(ports))
})

describe('objectsFromForm', () => {
  it('makes a minimal Deployment from an image alone, and no Service', () => {
    const { deployment, service } = objectsFromForm(form({ image: 'nginx:1.27' }))
    expect(service).toBeNull()
    expect(deployment).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', namespace: 'shop', labels: { app: 'nginx' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nginx' } },
        template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
      },
    })
  })

  it('carries ports, env, resources and a node selector, and exposes the ports', () => {
    const { deployment, service } = objectsFromForm(
      form({
        name: 'web',
        image: 'nginx',
        replicas: '3',
        ports: '80,443',
        env: [
          { key: 'MODE', value: 'fast' },
          { key: ' ', value: 'ignored' },
        ],
        cpuRequest: '100m',
        memoryLimit: '128Mi',
        nodeSelector: [{ key: 'disk', value: 'ssd' }],
        expose: 'NodePort',
      }),
    )
    const container = deployment.spec?.template.spec?.containers[0]
    expect(deployment.spec?.replicas).toBe(3)
    expect(container?.ports).toEqual([
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 443, protocol: 'TCP' },
    ])
    expect(container?.env).toEqual([{ name: 'MODE', value: 'fast' }])
    expect(container?.resources).toEqual({ requests: { cpu: '100m' }, limits: { memory: '128Mi' } })
    expect(deployment.spec?.template.spec?.nodeSelector).toEqual({ disk: 'ssd' })
    expect(service?.spec).toEqual({
      type: 'NodePort',
      selector: { app: 'web' },
      ports: [
        { name: 'port-80', port: 80, targetPort: 80, protocol: 'TCP' },
        { name: 'port-443', port: 443, targetPort: 443, protocol: 'TCP' },
      ],
    })
  })

  it('passes a wrong replica count through as typed, for the API server to name', () => {
    expect(objectsFromForm(form({ image: 'x', replicas: 'three' })).deployment.spec?.replicas).toBe('three')
  })
})

describe('formYaml', () => {
  it('writes repeated labels out, without anchors or aliases', () => {
    const text = formYaml(form({ name: 'web', image: 'nginx', ports: '80', expose: 'ClusterIP' }))
    expect(text).not.toMatch(/[&*]a\d/)
    expect(text.match(/app: web/g)).toHaveLength(5)
  })

  it('is one document per object, and parses back to them', () => {
    const f = form({ name: 'web', image: 'nginx', ports: '80', expose: 'ClusterIP' })
    const docs = parseAllDocuments(formYaml(f))
    expect(Array.isArray(docs) && docs.map((d) => (d.toJS() as { kind: string }).kind)).toEqual(['Deployment', 'Service'])
    const { deployment, service } = objectsFromForm(f)
    expect(Array.isArray(docs) && docs.map((d) => d.toJS())).toEqual([deployment, service])
  })
})

describe('formFieldOf', () => {
  it.each([
    ['metadata.name', 'Deployment', 'name'],
    ['spec.replicas', 'Deployment', 'replicas'],
    ['spec.template.spec.containers[0].image', 'Deployment', 'image'],
    ['spec.template.spec.containers[0].command[0]', 'Deployment', 'command'],
    ['spec.template.spec.containers[0].ports[1].containerPort', 'Deployment', 'ports'],
    ['spec.template.spec.containers[0].env[0].name', 'Deployment', 'env'],
    ['spec.template.spec.containers[0].resources.requests[cpu]', 'Deployment', 'resources'],
    ['spec.template.spec.nodeSelector', 'Deployment', 'nodeSelector'],
    ['spec.ports[0].nodePort', 'Service', 'ports'],
    ['spec.type', 'Service', 'expose'],
    ['spec.strategy', 'Deployment', null],
    [undefined, 'Deployment', null],
  ] as const)('%s of a %s -> %s', (path, kind, field) => expect(formFieldOf(path, kind)).toBe(field))
})

describe('splitCommand', () => {
  it.each([
    ['', []],
    ['sleep 3600', ['sleep', '3600']],
    ['  sh   -c  "echo hi; sleep 1" ', ['sh', '-c', 'echo hi; sleep 1']],
    ["sh -c 'echo \"$HOME\"'", ['sh', '-c', 'echo "$HOME"']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo ""', ['echo', '']],
    ['echo "say \\"hi\\""', ['echo', 'say "hi"']],
  ])('%j', (text, words) => expect(splitCommand(text)).toEqual(words))

  it.each(['echo "open', "echo 'open"])('refuses %j', (text) => expect(() => splitCommand(text)).toThrow(/unterminated/))

  it('sets the pull policy only when chosen', () => {
    expect(objectsFromForm(form({ image: 'busybox' })).deployment.spec?.template.spec?.containers[0]?.imagePullPolicy).toBeUndefined()
    expect(objectsFromForm(form({ image: 'busybox', pullPolicy: 'Never' })).deployment.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('Never')
  })

  it('sets the container command', () => {
    expect(objectsFromForm(form({ image: 'busybox', command: 'sleep 60' })).deployment.spec?.template.spec?.containers[0]?.command).toEqual(['sleep', '60'])
  })
})
