#!/usr/bin/env node
/**
 * `npm start`: build the app with electron-vite and open it in Electron, or fall back to browser mode.
 *
 * Electron's binary is not in the npm package: `require('electron')` downloads it (~100 MB from
 * github.com or $ELECTRON_MIRROR) the first time. Offline and locked-down audit workstations
 * cannot do that, and machines without a display cannot show a window, so before building we
 * decide which shell can run here:
 * - `FLATLINE_SHELL=browser` skips Electron entirely.
 * - Linux without $DISPLAY / $WAYLAND_DISPLAY, or running as root (Chromium refuses to run as root
 *   without --no-sandbox; we only pass that flag when the user does: `npm start -- --no-sandbox`)
 *   → browser mode.
 * - The binary is looked up the way node_modules/electron/index.js does (path.txt, dist/,
 *   ELECTRON_OVERRIDE_DIST_PATH) without requiring that file, since requiring it starts a download.
 *   If it is missing we run the package's own install.js once, with a time limit, unless
 *   ELECTRON_SKIP_BINARY_DOWNLOAD is set. Without network the download fails in well under a second.
 * When Electron cannot run, one paragraph says why and `npm run start:browser` serves the same UI
 * on 127.0.0.1. `--dry-run` prints the decision as JSON and exits (used by the unit test).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { constants } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)))
const require = createRequire(import.meta.url)

/** Default limit for the one-time Electron download, in seconds (FLATLINE_ELECTRON_DOWNLOAD_TIMEOUT). */
const DEFAULT_DOWNLOAD_TIMEOUT_S = 180
/** Exit code of the dynamic loader when a shared library is missing: the binary cannot start here. */
const LOADER_FAILURE_CODE = 127

/** The executable inside Electron's dist folder, as electron/install.js names it. */
function platformExecutable(platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron'
  if (platform === 'win32') return 'electron.exe'
  return 'electron'
}

/** Where the electron package lives, or null when it is not installed (e.g. `npm ci --omit=dev`). */
function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json', { paths: [repoRoot] }))
  } catch {
    return null
  }
}

/**
 * Finds the Electron binary without downloading anything.
 *
 * Mirrors node_modules/electron/index.js: `path.txt` names the executable inside `dist/`, and
 * ELECTRON_OVERRIDE_DIST_PATH replaces `dist/`.
 */
export function locateElectron(env = process.env, platform = process.platform) {
  const dir = electronPackageDir()
  if (!dir)
    return {
      found: false,
      packageDir: null,
      reason: 'the electron package is not installed (npm install was run without dev dependencies)'
    }
  const pathFile = join(dir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || join(dir, 'dist')
  const binary = join(distDir, relative || platformExecutable(platform))
  if (existsSync(binary)) return { found: true, packageDir: dir, path: binary }
  return {
    found: false,
    packageDir: dir,
    reason: `the Electron binary is not installed (no ${binary})`
  }
}

/** Runs electron/install.js with a time limit; resolves null on success or the reason it failed. */
function downloadElectron(packageDir, env) {
  const seconds = Number(env.FLATLINE_ELECTRON_DOWNLOAD_TIMEOUT) || DEFAULT_DOWNLOAD_TIMEOUT_S
  const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version
  console.error(
    `Electron ${version}'s binary is not installed; downloading it once (about 100 MB)…`
  )
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => {
      child.kill()
      resolve(`the Electron download did not finish within ${seconds} s`)
    }, seconds * 1000)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve(`the Electron download could not start (${error.message})`)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code === 0) return resolve(null)
      // install.js prints a stack trace; its first line says what went wrong (e.g. "TypeError: fetch failed").
      const firstLine =
        output
          .split('\n')
          .map((line) => line.trim())
          .find(Boolean) ?? `exit code ${code}`
      resolve(`the Electron binary could not be downloaded (${firstLine})`)
    })
  })
}

/**
 * Decides which shell runs: `{ shell: 'electron', electronPath }` or `{ shell: 'browser', reason, explain }`.
 *
 * `explain` is false when the user asked for browser mode, true when Electron was wanted but cannot run.
 */
export async function chooseShell(env = process.env, platform = process.platform, args = []) {
  const requested = (env.FLATLINE_SHELL ?? '').trim().toLowerCase()
  if (requested && requested !== 'browser' && requested !== 'electron')
    throw new Error(
      `FLATLINE_SHELL=${JSON.stringify(env.FLATLINE_SHELL)} is not a shell: use "electron" or "browser" (or leave it unset).`
    )
  if (requested === 'browser')
    return { shell: 'browser', reason: 'FLATLINE_SHELL=browser', explain: false }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return {
      shell: 'browser',
      reason: 'there is no graphical display ($DISPLAY and $WAYLAND_DISPLAY are unset)',
      explain: true
    }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (platform === 'linux' && isRoot && !args.includes('--no-sandbox'))
    return {
      shell: 'browser',
      reason:
        "this is the root account, and Electron's Chromium refuses to run as root unless its sandbox is " +
        'turned off (`npm start -- --no-sandbox` does that, at your own risk)',
      explain: true
    }
  let located = locateElectron(env, platform)
  if (!located.found && located.packageDir) {
    if (env.ELECTRON_SKIP_BINARY_DOWNLOAD)
      return {
        shell: 'browser',
        reason: `${located.reason}; ELECTRON_SKIP_BINARY_DOWNLOAD is set`,
        explain: true
      }
    const failure = await downloadElectron(located.packageDir, env)
    if (failure) return { shell: 'browser', reason: failure, explain: true }
    located = locateElectron(env, platform)
  }
  if (!located.found) return { shell: 'browser', reason: located.reason, explain: true }
  return { shell: 'electron', electronPath: located.path }
}

/** The one paragraph shown when Electron was wanted but cannot run. */
export function fallbackParagraph(reason) {
  return (
    `\nFlatline cannot open its desktop window here: ${reason}. This is expected on offline or ` +
    'locked-down machines, which cannot fetch Electron (its binary is downloaded once from github.com ' +
    'or $ELECTRON_MIRROR), and on machines without a display. Starting browser mode instead: the same ' +
    'interface is served on 127.0.0.1 only, behind a one-time token, and the address to open is printed ' +
    'below. To get the desktop window later, install the binary (`npx install-electron`, or point ' +
    'ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron folder) and run `npm start` again; set ' +
    'FLATLINE_SHELL=browser to skip this check.\n'
  )
}

/** Runs a command with inherited stdio, forwarding Ctrl-C; resolves its exit code (or the spawn error). */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: repoRoot, ...options })
    const forward = (signal) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', (error) => resolve({ code: null, error }))
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve({ code: code ?? 128 + (constants.signals[signal] ?? 0), error: null })
    })
  })
}

/** `npm run start:browser`, through the npm that runs this script when there is one. */
function startBrowser(args) {
  const extra = args.length > 0 ? ['--', ...args] : []
  const npmCli = process.env.npm_execpath
  if (npmCli && /\.(c?js|mjs)$/.test(npmCli))
    return run(process.execPath, [npmCli, 'run', 'start:browser', ...extra])
  return run('npm', ['run', 'start:browser', ...extra], { shell: process.platform === 'win32' })
}

async function main() {
  const args = process.argv.slice(2)
  const dryRun = args.includes('--dry-run')
  const passThrough = args.filter((arg) => arg !== '--dry-run')
  let decision
  try {
    decision = await chooseShell(process.env, process.platform, passThrough)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 2
  }
  if (dryRun) {
    console.log(JSON.stringify(decision))
    return 0
  }
  if (decision.shell === 'browser') {
    if (decision.explain) console.error(fallbackParagraph(decision.reason))
    else console.error('Starting browser mode (FLATLINE_SHELL=browser).')
    return (await startBrowser(passThrough)).code ?? 1
  }
  const build = await run(process.execPath, [
    join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build'
  ])
  if (build.code !== 0) {
    console.error(
      `electron-vite build failed${build.error ? ` (${build.error.message})` : ''}; fix the errors above and run npm start again.`
    )
    return build.code ?? 1
  }
  const launch = await run(decision.electronPath, ['.', ...passThrough])
  if (launch.error || launch.code === LOADER_FAILURE_CODE) {
    const why = launch.error
      ? `the Electron binary at ${decision.electronPath} could not be started (${launch.error.message})`
      : `the Electron binary at ${decision.electronPath} could not load its system libraries (exit code ${LOADER_FAILURE_CODE})`
    console.error(fallbackParagraph(why))
    return (await startBrowser(passThrough)).code ?? 1
  }
  return launch.code ?? 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then((code) => process.exit(code))
}
