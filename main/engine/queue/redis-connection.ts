/**
 * Connecting to the Redis that carries an audit's tasks (BullMQ) and files: one check up front
 * that fails in seconds with the URL (password masked) and what to do, instead of BullMQ retrying
 * forever in the background.
 */
import { Redis, type RedisOptions } from 'ioredis'

const CONNECT_TIMEOUT_MS = 5000

/** The URL as it may be printed: `redis://:***@host:6379`. */
export function maskRedisUrl(url: string): string {
  return url.replace(
    /^(rediss?:\/\/)([^@/]*)@/,
    (_, scheme: string, auth: string) =>
      `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`
  )
}

export class RedisUnreachableError extends Error {}

/** A connection for files and pub/sub (commands wait while it reconnects). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null })
}

/** The URL as connection options, for BullMQ to open (and close) connections of its own. */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number(u.pathname.slice(1) || 0),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null
  }
}

/** Throws a RedisUnreachableError naming the URL unless a PING with the URL's password succeeds. */
export async function checkRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false
  })
  // A refused password arrives as an 'error' event; the rejection itself only says the connection closed.
  let refused: Error | undefined
  probe.on('error', (error: Error) => (refused ??= error))
  try {
    await probe.connect()
    await probe.ping()
  } catch (error) {
    const reason = (refused ?? (error instanceof Error ? error : new Error(String(error)))).message
    const where = maskRedisUrl(url)
    if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(reason))
      throw new RedisUnreachableError(
        `Redis at ${where} ${/NOAUTH/.test(reason) ? 'needs a password' : 'refused the password'} (${reason}): put its password in the URL as redis://:PASSWORD@host:port`
      )
    throw new RedisUnreachableError(
      `cannot reach Redis at ${where} (${reason}): start redis-server there, or check the host, port and firewall`
    )
  } finally {
    probe.disconnect()
  }
}
