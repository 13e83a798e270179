/**
 * Display formats shared by the tables, charts and sentences, so one number reads the same everywhere.
 */

/** A 0–1 fraction as a percentage with one decimal: 0.473 → "47.3 %". */
export function formatRate(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`
}

/** An L∞ radius in [0,1] pixel units as k/255: 0.0627… → "16/255", 0.01 → "2.55/255". */
export function formatEps(eps: number): string {
  const k = eps * 255
  const rounded = Math.round(k)
  if (Math.abs(k - rounded) < 1e-6) return `${rounded}/255`
  return `${Number(k.toFixed(2))}/255`
}

/** A parameter count with thousands separators: 52202 → "52,202". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

/** Seconds as "42 s", "6 min 45 s" or "1 h 02 min". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`
  return `${m} min ${String(s).padStart(2, '0')} s`
}

/** An ISO timestamp as a short local date-time; the raw string if it does not parse. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit'
  })
}

/** The first 12 hex digits of a sha256, enough to tell weights apart on screen. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12)
}
