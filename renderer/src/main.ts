/**
 * Renderer entry: pick the transport, hand it to the stores, mount the app.
 */
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { setApi } from './api/current-api'
import { resolveApi } from './api/index'
import { messageOf, useAppStore } from './stores/app'
import './styles.css'

const pinia = createPinia()
const app = createApp(App)
app.use(pinia)

const appStore = useAppStore(pinia)
try {
  const connection = resolveApi(window)
  setApi(connection.api)
  connection.onClose((reason) => appStore.reportConnectionLost(reason))
} catch (error) {
  appStore.reportFatal(messageOf(error))
}

app.mount('#app')
