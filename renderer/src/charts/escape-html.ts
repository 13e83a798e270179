/**
 * Escapes text for ECharts' HTML tooltips: model names come from user-written specs.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
