// The shell's navigation, built from the list catalog so a new list appears in the menu by itself.

import { LISTS, type ListSpec } from './resources/catalog.ts'

export interface NavLink {
  label: string
  to: string
  /** Exact match only (Overview, whose path prefixes every other). */
  exact?: boolean
}

export interface NavSection {
  title: string | null
  links: NavLink[]
}

const SECTION_ORDER: ListSpec['section'][] = ['Cluster', 'Workloads', 'Network', 'Config']

export function navigation(lists: readonly ListSpec[] = LISTS): NavSection[] {
  const top: NavSection = { title: null, links: [{ label: 'Overview', to: '/', exact: true }] }
  const sections = SECTION_ORDER.map((title) => ({ title, links: lists.filter((l) => l.section === title).map((l) => ({ label: l.title, to: l.path })) }))
  const deploy: NavSection = { title: 'Deploy', links: [{ label: 'Deploy an app', to: '/deploy' }, { label: 'Apply YAML', to: '/apply' }] }
  return [top, ...sections.filter((s) => s.links.length > 0), deploy]
}

/** The link to move focus to for an arrow key in the menu, wrapping around. */
export function nextLinkIndex(current: number, count: number, key: string): number | null {
  if (count === 0) return null
  switch (key) {
    case 'ArrowDown':
      return (current + 1) % count
    case 'ArrowUp':
      return (current - 1 + count) % count
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return null
  }
}
