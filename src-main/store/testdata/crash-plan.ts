// What crash-writer.ts does to pod i, shared with the test that checks the result.

import type { KubeObject } from '../types.ts'

export type CrashOp = 'create' | 'update' | 'delete'

/** Every pod is created then updated; every fifth is then deleted. */
export function crashPlan(i: number): CrashOp[] {
  return i % 5 === 0 ? ['create', 'update', 'delete'] : ['create', 'update']
}

/** A pod of about 2 KB whose content can be checked byte for byte after a crash. */
export function crashPod(i: number, step: 'created' | 'updated'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { app: 'crash', index: String(i) } },
    spec: { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', crashPayload(i)] }] },
    status: { step },
  }
}

export function crashPayload(i: number): string {
  return `echo ${i} `.repeat(2000 / (6 + String(i).length)).trim()
}
