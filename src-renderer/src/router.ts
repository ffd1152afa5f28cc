import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router'
import { LISTS } from './resources/catalog.ts'
import AddNodeView from './views/AddNodeView.vue'
import DebugConfigMapsView from './views/DebugConfigMapsView.vue'
import DeploymentDetailView from './views/DeploymentDetailView.vue'
import OverviewView from './views/OverviewView.vue'
import PodDetailView from './views/PodDetailView.vue'
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
      { path: '/pods/:namespace/:name', name: 'pod', component: PodDetailView, props: true },
      { path: '/deployments/:namespace/:name', name: 'deployment', component: DeploymentDetailView, props: true },
      // A developer's view of the API client, linked from nowhere.
      { path: '/debug/configmaps', name: 'debug-configmaps', component: DebugConfigMapsView },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })
}
