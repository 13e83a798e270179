/**
 * Limits progress events to one per task every ~125 ms (tfjs's default yieldEvery), always
 * letting the final value (1) through, so the UI stays live without flooding the channel.
 */
export function throttleProgress<A extends unknown[]>(
  send: (value: number, ...rest: A) => void,
  intervalMs = 125
) {
  let last = 0
  return (value: number, ...rest: A): void => {
    const now = Date.now()
    if (value < 1 && now - last < intervalMs) return
    last = now
    send(value, ...rest)
  }
}
