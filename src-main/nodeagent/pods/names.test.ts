import { describe, expect, it } from 'vitest'
import { makePod } from '../../api/testing/builders.ts'
import { dockerContainerName, dockerVolumeName, infraContainerName, parseDockerContainerName, podLabels } from './names.ts'

const UID = '0b7f3a56-1c2d-4e5f-8a9b-0123456789ab'
const pod = (() => {
  const p = makePod('web-7d4b9c', 'shop').obj()
  p.metadata.uid = UID
  return p
})()

describe('docker object names', () => {
  it('names containers as the kubelet did, with the restart attempt last', () => {
    expect(dockerContainerName(pod, 'nginx', 0)).toBe(`k8s_nginx_web-7d4b9c_shop_${UID}_0`)
    expect(infraContainerName(pod, 2)).toBe(`k8s_POD_web-7d4b9c_shop_${UID}_2`)
  })

  it.each([
    [`k8s_nginx_web-7d4b9c_shop_${UID}_0`, { containerName: 'nginx', podName: 'web-7d4b9c', namespace: 'shop', uid: UID, attempt: 0 }],
    [`/k8s_POD_a.b_default_${UID}_12`, { containerName: 'POD', podName: 'a.b', namespace: 'default', uid: UID, attempt: 12 }],
    ['/nginx', null],
    [`k8s_nginx_web_shop_${UID}`, null],
    [`k8s_nginx_web_shop_${UID}_01`, null],
    [`k8s_nginx_web_shop_${UID}_x`, null],
    [`docker_nginx_web_shop_${UID}_0`, null],
    [`k8s__web_shop_${UID}_0`, null],
  ])('parses %s', (name, expected) => {
    expect(parseDockerContainerName(name)).toEqual(expected)
  })

  it('round-trips every name it makes', () => {
    expect(parseDockerContainerName(dockerContainerName(pod, 'side-car', 7))).toEqual({
      containerName: 'side-car',
      podName: 'web-7d4b9c',
      namespace: 'shop',
      uid: UID,
      attempt: 7,
    })
  })

  it('names an emptyDir volume by volume and pod UID only', () => {
    expect(dockerVolumeName(pod, 'cache')).toBe(`k8s_cache_${UID}`)
  })

  it('labels objects with the pod identity and the managed marker', () => {
    expect(podLabels(pod)).toEqual({
      'io.coxswain.managed': 'true',
      'io.kubernetes.pod.uid': UID,
      'io.kubernetes.pod.name': 'web-7d4b9c',
      'io.kubernetes.pod.namespace': 'shop',
    })
  })

  it('refuses a pod without a UID', () => {
    expect(() => dockerContainerName(makePod('web').obj(), 'web', 0)).toThrow('pod default/web has no uid')
  })
})
