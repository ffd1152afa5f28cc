// What to do with one pod's containers, decided from the pod and Docker's view alone (pure): the
// recreate rules of nodeagent/pods/README.md, the kubelet's init-container order and restart
// policies, and the clean-up of superseded and duplicate containers. The executor (sync-pod.ts)
// carries a plan out; crash-loop back-off and image pulls are its business.
//
// Rules, per container name (the newest attempt is the current one):
//  - older attempts: a running one is a duplicate and goes at once; of the exited ones the newest
//    stays (for `logs --previous`), the rest go. Containers the spec does not name go.
//  - sandbox (pods that need an infra container): missing or dead → create attempt + 1; if any
//    app/init container had joined the old one, that is a sandbox change and every container is
//    recreated (running ones stopped first). Restarted in place after a running joiner started
//    (the joiner sits in a dead namespace) → the same. Restarting (Docker's back-off) → wait.
//  - a joiner that ran in another sandbox than the current one → recreated.
//  - spec hash changed on a running container → stop, recreate (no back-off).
//  - failed liveness/startup (the prober says so) → stop, then as an exited container.
//  - exited and should run (Always; OnFailure with a non-zero exit; a start that failed) and
//    Docker is not restarting it → recreate with attempt = restartCount + 1, after back-off.
//  - created but never started (the agent stopped between create and start) → start it.
//  - init containers run one at a time, in order, each to a zero exit; app containers start once
//    all have (or once an app container is running: then they did, some time ago).

import type { Container, ContainerStatus, Pod } from '../../api/types/pod.ts'
import { podNeedsInfra } from '../pods/container-spec.ts'
import { INFRA_CONTAINER_NAME } from '../pods/names.ts'
import { containerSpecHash } from '../pods/spec-hash.ts'
import { newestFirst, type RuntimeContainer } from './observe.ts'

export type CreateReason =
  /** The container was never created (or is gone without a trace in the status). */
  | 'new'
  /** It exited and the restart policy wants it running. */
  | 'exited'
  /** Its start failed (Docker could not run it). */
  | 'start-failed'
  /** The prober found it unhealthy and it was stopped. */
  | 'unhealthy'
  /** Its spec hash differs from the pod's spec. */
  | 'spec-changed'
  /** The pod's sandbox was (or will be) recreated. */
  | 'sandbox-changed'

export type Step =
  /** Running as it should. */
  | { kind: 'keep' }
  /** Running to completion (init) or being restarted by Docker: nothing to do yet. */
  | { kind: 'wait' }
  /** Exited, and the restart policy leaves it so. */
  | { kind: 'done' }
  /** Created but never started: start it. */
  | { kind: 'start'; container: RuntimeContainer }
  /** Make a new container of this attempt; `previous` is the one it replaces (for back-off). */
  | { kind: 'create'; attempt: number; reason: CreateReason; previous?: RuntimeContainer }

export interface ContainerStep {
  name: string
  role: 'init' | 'app'
  spec: Container
  step: Step
}

export type KillReason = 'unhealthy' | 'spec-changed' | 'sandbox-changed'

export interface Kill {
  container: RuntimeContainer
  reason: KillReason
}

export type SandboxStep =
  | { kind: 'none' }
  | { kind: 'keep'; container: RuntimeContainer }
  | { kind: 'start'; container: RuntimeContainer }
  | { kind: 'wait'; container: RuntimeContainer }
  | { kind: 'create'; attempt: number; reason: 'new' | 'sandbox-changed' }

export interface PodPlan {
  /** Superseded attempts, duplicates and strays: force-removed first. */
  remove: RuntimeContainer[]
  /** Running containers to stop before anything is created. */
  kill: Kill[]
  sandbox: SandboxStep
  /** The init container to act on, or null when none is left to run. */
  init: ContainerStep | null
  /** An init container failed and restartPolicy Never forbids another try: the pod fails. */
  initFailed: boolean
  /** One step per app container; empty until the init containers are done. */
  apps: ContainerStep[]
}

const RUNNING_STATES = new Set(['running', 'paused', 'restarting'])
export const isRunning = (c: RuntimeContainer): boolean => RUNNING_STATES.has(c.state)
/** Created and never started, without a start error: the agent was interrupted before starting it. */
const neverStarted = (c: RuntimeContainer): boolean => c.state === 'created' && c.startedNs === 0n && !c.error && c.exitCode === 0
const failedToStart = (c: RuntimeContainer): boolean => c.state === 'created' && (!!c.error || c.exitCode !== 0)

/** Whether the restart policy wants an exited container of this role running again. */
export function shouldRestart(pod: Pod, role: 'init' | 'app', c: { exitCode: number; error?: string; oomKilled?: boolean }): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always'
  const failed = c.exitCode !== 0 || !!c.error || !!c.oomKilled
  if (role === 'init') return failed && policy !== 'Never'
  if (policy === 'Always') return true
  if (policy === 'OnFailure') return failed
  return false
}

/** The restartCount of a container's current instance: its attempt plus Docker's restarts, never below the status'. */
export function restartCountOf(c: RuntimeContainer, previous: ContainerStatus | undefined): number {
  return Math.max(c.attempt + c.restartCount, previous?.restartCount ?? 0)
}

/** Does not modify its arguments. */
export function planPod(pod: Pod, containers: readonly RuntimeContainer[], unhealthy: ReadonlySet<string> = new Set()): PodPlan {
  const spec = pod.spec ?? { containers: [] }
  const needsInfra = podNeedsInfra(pod)
  const initSpecs = spec.initContainers ?? []
  const appSpecs = spec.containers
  const plan: PodPlan = { remove: [], kill: [], sandbox: { kind: 'none' }, init: null, initFailed: false, apps: [] }

  // Group by container name (infra apart), newest attempt first; settle older attempts and strays.
  const groups = new Map<string, RuntimeContainer[]>()
  for (const c of containers) {
    const key = c.role === 'infra' ? `infra/${c.name}` : `${c.role === 'init' ? 'init' : 'app'}/${c.name}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  const wanted = new Set([...initSpecs.map((c) => `init/${c.name}`), ...appSpecs.map((c) => `app/${c.name}`)])
  if (needsInfra) wanted.add(`infra/${INFRA_CONTAINER_NAME}`)
  const current = new Map<string, RuntimeContainer>()
  /** The highest attempt of each name, so a new container never takes a name in use. */
  const highest = new Map<string, number>()
  for (const [key, instances] of groups) {
    if (!wanted.has(key)) {
      plan.remove.push(...instances)
      continue
    }
    const sorted = [...instances].sort(newestFirst)
    // The newest running one is current; else the newest. A newer one that never ran (its start
    // failed while dockerd shut down, say) loses to an older one Docker has running again.
    const head = sorted.find(isRunning) ?? sorted[0]
    if (!head) continue
    current.set(key, head)
    highest.set(key, Math.max(...sorted.map((c) => c.attempt)))
    let keptPrevious = false
    for (const other of sorted) {
      if (other === head) continue
      if (isRunning(other) || other.startedNs === 0n || keptPrevious) plan.remove.push(other)
      else keptPrevious = true
    }
  }

  const statusOf = (role: 'init' | 'app', name: string): ContainerStatus | undefined =>
    (role === 'init' ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find((s) => s.name === name)
  const nextAttempt = (role: 'init' | 'app', name: string, cur: RuntimeContainer | undefined): number => {
    const previous = statusOf(role, name)
    const free = (highest.get(`${role}/${name}`) ?? -1) + 1
    if (cur) return Math.max(restartCountOf(cur, previous) + 1, free)
    return Math.max(previous?.containerID ? previous.restartCount + 1 : (previous?.restartCount ?? 0), free)
  }
  const joiners = [...current.entries()].filter(([key]) => !key.startsWith('infra/')).map(([, c]) => c)

  // The sandbox.
  let sandboxChanged = false
  let infra: RuntimeContainer | undefined
  if (needsInfra) {
    infra = current.get(`infra/${INFRA_CONTAINER_NAME}`)
    const infraAttempt = infra ? Math.max(infra.attempt + infra.restartCount, highest.get(`infra/${INFRA_CONTAINER_NAME}`) ?? 0) + 1 : 0
    if (!infra) {
      sandboxChanged = joiners.length > 0
      plan.sandbox = { kind: 'create', attempt: infraAttempt, reason: sandboxChanged ? 'sandbox-changed' : 'new' }
    } else if (infra.state === 'restarting') {
      plan.sandbox = { kind: 'wait', container: infra }
      return plan
    } else if (neverStarted(infra)) {
      plan.sandbox = { kind: 'start', container: infra }
    } else if (infra.state === 'running' || infra.state === 'paused') {
      // Restarted in place after a joiner started: that joiner's namespace is gone.
      const sandbox = infra
      const restartedUnder = joiners.some((j) => (j.state === 'running' || j.state === 'paused') && joined(j, sandbox) && j.startedNs > 0n && j.startedNs < sandbox.startedNs)
      if (restartedUnder) {
        sandboxChanged = true
        plan.kill.push({ container: sandbox, reason: 'sandbox-changed' })
        plan.sandbox = { kind: 'create', attempt: infraAttempt, reason: 'sandbox-changed' }
      } else {
        plan.sandbox = { kind: 'keep', container: sandbox }
      }
    } else {
      sandboxChanged = joiners.length > 0
      plan.sandbox = { kind: 'create', attempt: infraAttempt, reason: sandboxChanged ? 'sandbox-changed' : 'new' }
    }
    if (plan.sandbox.kind === 'create') infra = undefined
  }
  if (sandboxChanged) {
    for (const j of joiners) if (isRunning(j)) plan.kill.push({ container: j, reason: 'sandbox-changed' })
  }

  /** The step for one container; pushes the kills it needs. */
  const stepFor = (role: 'init' | 'app', c: Container): Step => {
    const cur = current.get(`${role}/${c.name}`)
    if (sandboxChanged) return { kind: 'create', attempt: nextAttempt(role, c.name, cur), reason: cur ? 'sandbox-changed' : 'new' }
    if (!cur) return { kind: 'create', attempt: nextAttempt(role, c.name, undefined), reason: 'new' }
    const ranElsewhere = needsInfra && infra !== undefined && (cur.startedNs > 0n || isRunning(cur)) && !joined(cur, infra)
    if (ranElsewhere) {
      if (isRunning(cur)) plan.kill.push({ container: cur, reason: 'sandbox-changed' })
      return { kind: 'create', attempt: nextAttempt(role, c.name, cur), reason: 'sandbox-changed' }
    }
    if (isRunning(cur)) {
      if (cur.specHash !== undefined && cur.specHash !== containerSpecHash(pod, c)) {
        plan.kill.push({ container: cur, reason: 'spec-changed' })
        return { kind: 'create', attempt: nextAttempt(role, c.name, cur), reason: 'spec-changed' }
      }
      if (unhealthy.has(cur.id) && cur.state === 'running') {
        plan.kill.push({ container: cur, reason: 'unhealthy' })
        // Stopped by the agent it exits 137, which every restart policy but Never restarts.
        if (!shouldRestart(pod, role, { exitCode: 137 })) return { kind: 'done' }
        return { kind: 'create', attempt: nextAttempt(role, c.name, cur), reason: 'unhealthy', previous: cur }
      }
      return role === 'init' || cur.state === 'restarting' ? { kind: 'wait' } : { kind: 'keep' }
    }
    if (neverStarted(cur)) return { kind: 'start', container: cur }
    if (role === 'init' && cur.state === 'exited' && cur.exitCode === 0 && !cur.error) return { kind: 'done' }
    if (!shouldRestart(pod, role, cur)) return { kind: 'done' }
    return { kind: 'create', attempt: nextAttempt(role, c.name, cur), reason: failedToStart(cur) ? 'start-failed' : 'exited', previous: cur }
  }

  // Init containers, one at a time: the first one not done is the one to act on.
  const appRunning = appSpecs.some((c) => {
    const cur = current.get(`app/${c.name}`)
    return !sandboxChanged && cur !== undefined && isRunning(cur) && (!needsInfra || (infra !== undefined && joined(cur, infra)))
  })
  if (!appRunning) {
    for (const c of initSpecs) {
      const step = stepFor('init', c)
      if (step.kind === 'done') {
        const cur = current.get(`init/${c.name}`)
        if (cur && (cur.exitCode !== 0 || cur.error)) {
          plan.initFailed = true
          return plan
        }
        continue
      }
      plan.init = { name: c.name, role: 'init', spec: c, step }
      return plan
    }
  }

  for (const c of appSpecs) plan.apps.push({ name: c.name, role: 'app', spec: c, step: stepFor('app', c) })
  return plan
}

/** Whether `c` joined `infra`'s namespaces (by ID, or by name for containers made elsewhere). */
function joined(c: RuntimeContainer, infra: RuntimeContainer): boolean {
  return c.networkMode === `container:${infra.id}` || c.networkMode === `container:${infra.dockerName}`
}

/** The plan in words, for logs and tests: `kill web#0 (unhealthy)`, `web: create 1 (unhealthy)`. */
export function describePlan(plan: PodPlan): string[] {
  const out: string[] = []
  for (const c of plan.remove) out.push(`remove ${c.name}#${c.attempt}`)
  for (const k of plan.kill) out.push(`kill ${k.container.name}#${k.container.attempt} (${k.reason})`)
  const s = plan.sandbox
  if (s.kind === 'create') out.push(`sandbox: create ${s.attempt} (${s.reason})`)
  else if (s.kind !== 'none') out.push(`sandbox: ${s.kind}`)
  const step = (name: string, st: Step): string => (st.kind === 'create' ? `${name}: create ${st.attempt} (${st.reason})` : `${name}: ${st.kind}`)
  if (plan.init) out.push(`init ${step(plan.init.name, plan.init.step)}`)
  if (plan.initFailed) out.push('init failed')
  for (const a of plan.apps) out.push(step(a.name, a.step))
  return out
}

/** Whether carrying the plan out does anything (else the pod is as it should be, or waiting). */
export function planActs(plan: PodPlan): boolean {
  const acts = (st: Step): boolean => st.kind === 'create' || st.kind === 'start'
  return (
    plan.remove.length > 0 ||
    plan.kill.length > 0 ||
    plan.sandbox.kind === 'create' ||
    plan.sandbox.kind === 'start' ||
    (plan.init !== null && acts(plan.init.step)) ||
    plan.apps.some((a) => acts(a.step))
  )
}
