/**
 * Debian's redis-server for tests and bench/workers.ts: on 127.0.0.1, a free port, a password, no
 * persistence; and `npm run worker` processes attached to it. Both are stopped by the returned functions.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface TestRedis {
  url: string
  port: number
  stop(): Promise<void>
}

export async function startRedis(password: string): Promise<TestRedis> {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--requirepass',
      password,
      '--save',
      '',
      '--appendonly',
      'no'
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  await waitForLine(child, /Ready to accept connections/, 10_000)
  return { url: `redis://:${password}@127.0.0.1:${port}`, port, stop: () => stopProcess(child) }
}

export interface TestWorker {
  child: ChildProcess
  /** Everything it printed on stderr so far. */
  output(): string
  stop(): Promise<void>
}

/** Starts `npm run worker` (as node --import tsx) and waits for its "ready" line. */
export async function startWorker(
  url: string,
  workspace: string,
  lockSeconds = 3,
  env: NodeJS.ProcessEnv = {}
): Promise<TestWorker> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'main/cli/worker.ts',
      '--redis',
      url,
      '--workspace',
      workspace,
      '--lock-seconds',
      String(lockSeconds)
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe']
    }
  )
  let text = ''
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()))
  await waitForLine(child, /ready on redis:/, 60_000)
  return { child, output: () => text, stop: () => stopProcess(child) }
}

/** Resolves with the exit code once the process ends on its own. */
export function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms: ${text}`)),
      timeoutMs
    )
    const onData = (chunk: Buffer) => {
      text += chunk.toString()
      if (pattern.test(text)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited (${code}) before a line matching ${pattern}: ${text}`))
    })
  })
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
