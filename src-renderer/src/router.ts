import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router'
import { LISTS } from './resources/catalog.ts'
import AddNodeView from './views/AddNodeView.vue'
import DebugConfigMapsView from './views/DebugConfigMapsView.vue'
import OverviewView from './views/OverviewView.vue'
import ResourceListView from './views/ResourceListView.vue'

const listRoutes: RouteRecordRaw[] = LISTS.map((list) => ({ path: list.path, name: list.id, component: ResourceListView, props: { list: list.id } }))

/**
 * Hash URLs (…/#/nodes) in both doors: inside Electron the page is a file:// document where paths
 * are real files, and served, the built page's relative asset URLs only resolve from `/`.
 */
export function createAppRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'overview', component: OverviewView },
      { path: '/nodes/add', name: 'add-node', component: AddNodeView },
      ...listRoutes,
      // Loaded on first use: they carry the YAML editor, the YAML library and the terminal.
      { path: '/deploy', name: 'deploy', component: () => import('./views/DeployView.vue') },
      { path: '/apply', name: 'apply', component: () => import('./views/ApplyView.vue') },
      { path: '/pods/:namespace/:name', name: 'pod', component: () => import('./views/PodDetailView.vue'), props: true },
      { path: '/deployments/:namespace/:name', name: 'deployment', component: () => import('./views/DeploymentDetailView.vue'), props: true },
      { path: '/objects/:resource/:namespace/:name', name: 'object', component: () => import('./views/ObjectDetailView.vue'), props: true },
      // A developer's view of the API client, linked from nowhere.
      { path: '/debug/configmaps', name: 'debug-configmaps', component: DebugConfigMapsView },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })
}
