/** The report's "Techniques" row: each technique of the stack, read from the registry, with the settings changed from their defaults. */
import type { AttackSpec } from '../../contract/audit-spec'
import { summariseTechniques } from '../../contract/techniques/technique-summary'
import { esc } from './report-format'

export function techniquesRow(stack: AttackSpec['stack']): string {
  const items = summariseTechniques(stack).map(
    (t) =>
      `${esc(t.short)} — ${esc(t.name)} (${esc(t.paper)})${t.changed.length ? `: ${esc(t.changed.join('; '))}` : ', defaults'}`
  )
  return `<tr><th>Techniques</th><td>${items.length ? items.join('<br>') : 'none: plain BIM'}</td></tr>`
}
