import { createApp } from 'vue'
import App from './App.vue'
import { createAppRouter } from './router.ts'
import { chooseTransport, provideTransport } from './transport/index.ts'
import './styles.css'

const app = createApp(App)
provideTransport(app, chooseTransport(window.coxswain))
app.use(createAppRouter())
app.mount('#app')
