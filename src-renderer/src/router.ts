import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import AddNodeView from './views/AddNodeView.vue'
import DebugConfigMapsView from './views/DebugConfigMapsView.vue'
import DnsView from './views/DnsView.vue'
import OverviewView from './views/OverviewView.vue'

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
      { path: '/dns', name: 'dns', component: DnsView },
      // A developer's view of the API client, linked from nowhere.
      { path: '/debug/configmaps', name: 'debug-configmaps', component: DebugConfigMapsView },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })
}
