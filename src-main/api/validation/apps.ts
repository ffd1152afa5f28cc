// apps/v1 validation: Deployment, ReplicaSet, DaemonSet and the scale subresource, as
// pkg/apis/apps/validation.

import { labelSelectorAsSelector, matchesLabels, SelectorError } from '../selectors/labels.ts'
import type { DaemonSet, DaemonSetUpdateStrategy, Deployment, DeploymentStrategy, ReplicaSet, Scale } from '../types/apps.ts'
import type { IntOrString, LabelSelector } from '../types/meta.ts'
import type { PodTemplateSpec } from '../types/pod.ts'
import { child, forbidden, invalid, notSupported, required, type FieldError } from './errors.ts'
import { validateImmutable, validateLabelSelector, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts'
import { isValidPercent, nameIsDNSSubdomain } from './names.ts'
import { validatePodTemplateSpec } from './pod.ts'

const META_RULES = { namespaced: true, name: nameIsDNSSubdomain }

function validateSelector(selector: LabelSelector | undefined, path: string, kind: string): FieldError[] {
  if (!selector) return [required(path)]
  const errs = validateLabelSelector(selector, path)
  if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) === 0) {
    errs.push(invalid(path, selector, `empty selector is invalid for ${kind}`))
  }
  return errs
}

/** ValidatePodTemplateSpecForReplicaSet: the template must carry the labels its selector selects. */
function validateTemplateForSelector(template: PodTemplateSpec | undefined, selector: LabelSelector | undefined, path: string): FieldError[] {
  if (!template) return [required(path)]
  const errs: FieldError[] = []
  try {
    const sel = labelSelectorAsSelector(selector)
    if (selector && sel.requirements.length && !matchesLabels(sel, template.metadata?.labels)) {
      errs.push(invalid(`${path}.metadata.labels`, template.metadata?.labels ?? {}, '`selector` does not match template `labels`'))
    }
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e
    errs.push(invalid(child(path.replace(/\.template$/, ''), 'selector'), selector ?? null, 'invalid label selector'))
  }
  errs.push(...validatePodTemplateSpec(template, path))
  const restartPolicy = template.spec?.restartPolicy
  if (restartPolicy && restartPolicy !== 'Always') errs.push(notSupported(`${path}.spec.restartPolicy`, restartPolicy, ['Always']))
  return errs
}

const intOrPercentValue = (v: IntOrString | undefined): { value: number; percent: boolean } => {
  if (typeof v === 'number') return { value: v, percent: false }
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return { value: Number(v.slice(0, -1)), percent: true }
  return { value: 0, percent: false }
}

function validatePositiveIntOrPercent(v: IntOrString | undefined, path: string): FieldError[] {
  if (v === undefined) return []
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, v, m))
  return validateNonnegative(v, path)
}

function notMoreThan100Percent(v: IntOrString | undefined, path: string): FieldError[] {
  const { value, percent } = intOrPercentValue(v)
  return percent && value > 100 ? [invalid(path, v, 'must not be greater than 100%')] : []
}

function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined, path: string): FieldError[] {
  const s = strategy ?? {}
  const errs: FieldError[] = []
  if (s.type === 'Recreate') {
    if (s.rollingUpdate) errs.push(forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"))
  } else if (s.type === 'RollingUpdate') {
    const ru = s.rollingUpdate
    if (!ru) errs.push(required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil'))
    else {
      const rp = child(path, 'rollingUpdate')
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable')))
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, child(rp, 'maxSurge')))
      if (intOrPercentValue(ru.maxUnavailable).value === 0 && intOrPercentValue(ru.maxSurge).value === 0) {
        errs.push(invalid(child(rp, 'maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'))
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, child(rp, 'maxUnavailable')))
    }
  } else {
    errs.push(notSupported(path, s, ['Recreate', 'RollingUpdate']))
  }
  return errs
}

/** ValidateDeployment. */
export function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateObjectMeta(d.metadata, META_RULES)
  const spec = d.spec
  if (!spec) return [...errs, required('spec')]
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'))
  errs.push(...validateSelector(spec.selector, 'spec.selector', 'deployment'))
  errs.push(...validateTemplateForSelector(spec.template, spec.selector, 'spec.template'))
  errs.push(...validateDeploymentStrategy(spec.strategy, 'spec.strategy'))
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'))
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'))
  const pds = spec.progressDeadlineSeconds
  if (pds !== undefined) {
    if (pds <= 0) errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than zero'))
    if (pds <= (spec.minReadySeconds ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'))
  }
  return errs
}

/** ValidateDeploymentUpdate: the selector is immutable in apps/v1. */
export function validateDeploymentUpdate(next: Deployment, old: Deployment): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  errs.push(...validateImmutable(next.spec?.selector, old.spec?.selector, 'spec.selector'))
  return [...errs, ...validateDeployment(next).filter((e) => !e.field.startsWith('metadata'))]
}

/** ValidateReplicaSet. */
export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, META_RULES)
  const spec = rs.spec
  if (!spec) return [...errs, required('spec')]
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'))
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'))
  errs.push(...validateSelector(spec.selector, 'spec.selector', 'deployment'))
  errs.push(...validateTemplateForSelector(spec.template, spec.selector, 'spec.template'))
  return errs
}

export function validateReplicaSetUpdate(next: ReplicaSet, old: ReplicaSet): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  errs.push(...validateImmutable(next.spec?.selector, old.spec?.selector, 'spec.selector'))
  return [...errs, ...validateReplicaSet(next).filter((e) => !e.field.startsWith('metadata'))]
}

function validateDaemonSetUpdateStrategy(s: DaemonSetUpdateStrategy | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  const type = s?.type
  if (type === 'RollingUpdate') {
    const ru = s?.rollingUpdate
    const rp = child(path, 'rollingUpdate')
    if (!ru) return [required(rp)]
    errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable')))
    errs.push(...validatePositiveIntOrPercent(ru.maxSurge, child(rp, 'maxSurge')))
    errs.push(...notMoreThan100Percent(ru.maxUnavailable, child(rp, 'maxUnavailable')))
    errs.push(...notMoreThan100Percent(ru.maxSurge, child(rp, 'maxSurge')))
    const hasUnavailable = intOrPercentValue(ru.maxUnavailable).value !== 0
    const hasSurge = intOrPercentValue(ru.maxSurge).value !== 0
    if (hasUnavailable && hasSurge) errs.push(invalid(child(rp, 'maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'))
    if (!hasUnavailable && !hasSurge) errs.push(required(child(rp, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'))
  } else if (type !== 'OnDelete') {
    errs.push(notSupported(child(path, 'type'), type ?? '', ['OnDelete', 'RollingUpdate']))
  }
  return errs
}

/** ValidateDaemonSet. */
export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, META_RULES)
  const spec = ds.spec
  if (!spec) return [...errs, required('spec')]
  errs.push(...validateSelector(spec.selector, 'spec.selector', 'daemonset'))
  errs.push(...validateTemplateForSelector(spec.template, spec.selector, 'spec.template'))
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'))
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'))
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'))
  return errs
}

export function validateDaemonSetUpdate(next: DaemonSet, old: DaemonSet): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  errs.push(...validateImmutable(next.spec?.selector, old.spec?.selector, 'spec.selector'))
  return [...errs, ...validateDaemonSet(next).filter((e) => !e.field.startsWith('metadata'))]
}

/** ValidateScale, for the deployments/scale and replicasets/scale subresources. */
export function validateScale(scale: Scale): FieldError[] {
  return validateNonnegative(scale.spec?.replicas, 'spec.replicas')
}
