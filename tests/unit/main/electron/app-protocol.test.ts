import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const protocol = vi.hoisted(() => ({ registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() }))
vi.mock('electron', () => ({ protocol }))

import {
  APP_ENTRY_URL,
  createAppProtocolHandler,
  registerAppProtocol,
  registerAppScheme,
  resolveAppPath
} from '../../../../main/electron/app-protocol'

let base: string
let root: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'flatline-protocol-'))
  root = join(base, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Flatline</title>')
  await writeFile(join(root, 'assets', 'index.js'), 'console.log(1)')
  // A file next to the served folder that must never be reachable.
  await writeFile(join(base, 'secret.txt'), 'top secret')
})

afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('resolveAppPath', () => {
  it('maps app://flatline paths into the renderer folder', () => {
    expect(resolveAppPath('app://flatline/assets/index.js', root)).toBe(
      join(root, 'assets', 'index.js')
    )
    expect(resolveAppPath('app://flatline/', root)).toBe(join(root, 'index.html'))
    expect(resolveAppPath(APP_ENTRY_URL, root)).toBe(join(root, 'index.html'))
  })

  it.each([
    'app://flatline/..%2fsecret.txt',
    'app://flatline/assets/..%2F..%2Fsecret.txt',
    'app://flatline/%2e%2e%2fsecret.txt',
    'app://flatline/..%2f..%2f..%2f..%2fetc%2fpasswd',
    'app://flatline/index.html%00.js',
    'app://flatline/%E0%A4%A',
    'app://evil/index.html',
    'file:///etc/passwd',
    'not a url'
  ])('refuses %s', (url) => {
    expect(resolveAppPath(url, root)).toBeNull()
  })

  it('keeps plain ../ segments inside the folder (the URL parser folds them)', () => {
    expect(resolveAppPath('app://flatline/../secret.txt', root)).toBe(join(root, 'secret.txt'))
  })
})

describe('createAppProtocolHandler', () => {
  const handler = () => createAppProtocolHandler(root)

  it('serves files with their content type', async () => {
    const response = await handler()(new Request('app://flatline/assets/index.js'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/javascript')
    expect(await response.text()).toBe('console.log(1)')
  })

  it('answers 403 to a traversal and never returns the file outside', async () => {
    const response = await handler()(new Request('app://flatline/..%2fsecret.txt'))
    expect(response.status).toBe(403)
    expect(await response.text()).not.toContain('top secret')
  })

  it('answers 404 for a missing file and 405 for a POST', async () => {
    expect((await handler()(new Request('app://flatline/nope.js'))).status).toBe(404)
    expect(
      (await handler()(new Request('app://flatline/index.html', { method: 'POST', body: 'x' })))
        .status
    ).toBe(405)
  })

  it('registers the privileged scheme and the handler', () => {
    registerAppScheme()
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true })
      })
    ])
    registerAppProtocol(root)
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))
  })
})
