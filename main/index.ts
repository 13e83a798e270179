/**
 * Electron main entry: window, custom protocol, IPC and the engine's utility process.
 *
 * Main only brokers: requests from the page go through the service (validation, workspace reads)
 * and audits go to the engine process. It never runs tensor code, so a long training cannot
 * freeze the window.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BrowserWindow, app, dialog, session } from 'electron'
import { createFlatlineService, RequestError } from './service/flatline-service'
import { packagedResourcesDir, workspaceRootFor } from './electron/app-environment'
import { registerAppProtocol, registerAppScheme } from './electron/app-protocol'
import { createJobEventForwarder, registerIpcHandlers } from './electron/ipc-handlers'
import { createMainWindow } from './electron/main-window'
import { exportReportPdf } from './electron/pdf-export'
import { pickFolder } from './electron/pick-folder'
import { rendererLocation } from './electron/renderer-location'
import { UtilityEngineClient } from './electron/utility-engine-client'
import { denyAllPermissions, guardWebContents } from './electron/web-contents-guards'

/** `out/main/`: the preload and the renderer are built next to it. */
const outMain = fileURLToPath(new URL('.', import.meta.url))
const preloadPath = join(outMain, '..', 'preload', 'index.cjs')
const rendererDir = join(outMain, '..', 'renderer')

// Electron only accepts privileged schemes before `ready`.
registerAppScheme()

async function start(): Promise<void> {
  // A packaged app ships resources/ via extraResources; main (demo spec) and the engine read it there.
  const resources = packagedResourcesDir(app.isPackaged, process.resourcesPath)
  if (resources && !process.env.FLATLINE_RESOURCES) process.env.FLATLINE_RESOURCES = resources

  await app.whenReady()
  const location = rendererLocation(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL)
  registerAppProtocol(rendererDir)
  denyAllPermissions(session.defaultSession)
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, location.isTrusted)
  )

  let mainWindow: BrowserWindow | null = null
  const engine = new UtilityEngineClient({ env: { ...process.env } })
  const service = await createFlatlineService({
    workspaceRoot: workspaceRootFor(app.getPath('userData')),
    engine,
    shell: 'electron',
    appVersion: app.getVersion(),
    exportPdf: (runId, html) => exportReportPdf(runId, html, mainWindow),
    pickFolder: (title) => pickFolder(title, mainWindow)
  })

  const forwarder = createJobEventForwarder()
  service.onEvent((event) => forwarder.send(event))
  registerIpcHandlers({
    service,
    getWindow: () => mainWindow,
    isTrusted: location.isTrusted,
    isExpectedError: (error) => error instanceof RequestError
  })

  const openWindow = (): void => {
    const window = createMainWindow({ preloadPath, entryUrl: location.entryUrl })
    forwarder.attach(window.webContents)
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null
    })
    mainWindow = window
  }
  openWindow()
  // Start the engine while the page loads: initialising the tensor backend takes a moment.
  engine
    .ready()
    .catch((error: unknown) => console.error('[flatline] the engine process did not start:', error))

  app.on('second-instance', () => {
    if (!mainWindow) return openWindow()
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app.on('activate', () => {
    if (!mainWindow) openWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => engine.dispose())
}

// Two instances would share one workspace and run two engines on it; the second one hands over.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  start().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    console.error('[flatline] failed to start:', error)
    dialog.showErrorBox('Flatline could not start', message)
    app.exit(1)
  })
}
