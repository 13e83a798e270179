/**
 * Formatting shared by every report document (transfer report, hand-over sections, comparison):
 * escaping, percentages, ε in grey levels, durations, counts, dates and hashes.
 */
export { formatPercent } from './heatmap-svg'

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c])
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}
export const esc = escapeHtml

/** An L∞ radius in [0,1] pixel units, as a fraction and in 8-bit grey levels: "0.0627 (16/255)". */
export function formatEpsilon(value: number): string {
  return `${Number(value.toPrecision(3))} (${formatGreyLevels(value)})`
}

/** A [0,1] pixel distance in grey levels out of 255: "16/255", "1.6/255", or "≈ 12.75/255" when not exact. */
export function formatGreyLevels(value: number): string {
  const levels = value * 255
  const rounded = Math.round(levels * 100) / 100
  return `${Math.abs(levels - rounded) < 1e-6 ? '' : '≈ '}${rounded}/255`
}

/** Seconds as a short human duration: "12.3 s", "5 min 07 s", "1 h 03 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${pad2(whole % 60)} s`
  return `${Math.floor(whole / 3600)} h ${pad2(Math.floor((whole % 3600) / 60))} min`
}

export function shortHash(hash: string): string {
  return hash.replace(/^sha256:/i, '').slice(0, 12)
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

export function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'unknown date'
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** Run timestamps are ISO strings; show them like the generation date, or verbatim if unparseable. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : formatDate(date)
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0')
}
