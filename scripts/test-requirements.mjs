/**
 * What `npm test` needs on the machine beyond node_modules, and how to get it.
 *
 * `npm test` (scripts/test.mjs) checks this list before any test runs. What is missing is installed
 * with apt-get when running as root (as CI does); otherwise the tests stop at once and print the one
 * command that installs it. `FLATLINE_TEST_NO_INSTALL=1` prints the command even as root.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'

function executable(path) {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function exists(path) {
  try {
    accessSync(path)
    return true
  } catch {
    return false
  }
}

/** Whether Debian's python3 has the package `module` (where its python3-<module> package installs it). */
function pythonHas(module) {
  return (
    executable('/usr/bin/python3') && exists(`/usr/lib/python3/dist-packages/${module}/__init__.py`)
  )
}

/**
 * Everything the tests need from Debian, one entry per apt package.
 *
 * OTHER ISSUES: append your test's requirement here (redis-server for the worker queue, libdnnl-dev
 * for the native kernels, python3-onnx or python3-torch for models built in a test, …) as
 * `{ apt: 'package', why: 'what needs it', present: () => exists('/path/it/installs') }`.
 * `.ci/run` needs no change: it runs `npm test`, which installs this list.
 */
export const REQUIREMENTS = [
  {
    apt: 'chromium',
    why: 'end-to-end tests and PDF reports',
    present: () => executable('/usr/bin/chromium')
  },
  {
    apt: 'fonts-dejavu-core',
    why: 'text in PDF reports',
    present: () => exists('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')
  },
  {
    apt: 'poppler-utils',
    why: 'reading PDF reports back (pdftotext, pdftoppm)',
    present: () => executable('/usr/bin/pdftotext')
  },
  {
    apt: 'dataset-fashion-mnist',
    why: 'tests on the full Fashion-MNIST',
    present: () => exists('/usr/share/datasets/fashion-mnist')
  },
  {
    apt: 'libdnnl-dev',
    why: 'building and testing the native oneDNN kernels',
    present: () => exists('/usr/include/oneapi/dnnl/dnnl.hpp')
  },
  {
    apt: 'redis-server',
    why: 'audits spread over BullMQ workers (the tests start their own on a free port)',
    present: () => executable('/usr/bin/redis-server')
  },
  {
    apt: 'python3-torch',
    why: 'ONNX models exported from PyTorch in the import-check tests',
    present: () => pythonHas('torch')
  },
  {
    apt: 'python3-onnx',
    why: "ONNX models with external weights in the import-check tests, and ONNX's backend node tests (the ONNX importer's conformance run)",
    present: () => pythonHas('onnx') && exists('/usr/lib/python3/dist-packages/onnx/backend/test')
  }
]

/** The requirements not on this machine; `FLATLINE_TEST_PRETEND_MISSING=a,b` marks apt names as missing (for this script's test). */
export function missingRequirements(requirements = REQUIREMENTS, env = process.env) {
  const pretend = (env.FLATLINE_TEST_PRETEND_MISSING ?? '').split(',').filter(Boolean)
  return requirements.filter((r) => pretend.includes(r.apt) || !r.present())
}

/** The one command that installs `missing` (with sudo when not root). */
export function installCommand(missing, isRoot) {
  const sudo = isRoot ? '' : 'sudo '
  const packages = missing.map((r) => r.apt).join(' ')
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages}`
}

/**
 * Makes sure every requirement is present: installs the missing ones as root, else explains.
 *
 * Returns null when the tests can run, or the message to print before stopping.
 */
export function ensureRequirements({
  requirements = REQUIREMENTS,
  env = process.env,
  isRoot = process.getuid?.() === 0,
  log = console.log
} = {}) {
  let missing = missingRequirements(requirements, env)
  if (missing.length === 0) return null
  const list = missing.map((r) => `  ${r.apt} (${r.why})`).join('\n')
  if (!isRoot || env.FLATLINE_TEST_NO_INSTALL === '1')
    return `npm test needs these Debian packages, which are missing:\n${list}\nInstall them, then run npm test again:\n  ${installCommand(missing, isRoot)}`
  log(`Installing what the tests need:\n${list}`)
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv })
  const install =
    update.status === 0 &&
    spawnSync(
      'apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((r) => r.apt)],
      { stdio: 'inherit', env: aptEnv }
    )
  missing = missingRequirements(requirements, env)
  if (install && install.status === 0 && missing.length === 0) return null
  return `apt-get could not install what the tests need:\n${missing.map((r) => `  ${r.apt} (${r.why})`).join('\n')}\nFix the apt sources, then run:\n  ${installCommand(missing, true)}`
}
