/**
 * A stack's techniques as a reader sees them (report, listings): short name, full name, paper and the
 * settings that differ from the registry defaults, read from the registry.
 */
import {
  STACK_TECHNIQUE_IDS,
  STACK_TECHNIQUES,
  techniqueEntry,
  type StackTechniqueId
} from './registry'

export interface TechniqueSummary {
  id: StackTechniqueId
  short: string
  name: string
  paper: string
  /** "key = value" for every setting that differs from its default. */
  changed: string[]
}

export function summariseTechniques(
  stack: Partial<Record<StackTechniqueId, unknown>>
): TechniqueSummary[] {
  return STACK_TECHNIQUE_IDS.filter((id) => stack[id] !== undefined).map((id) => {
    const entry = techniqueEntry(id)
    const settings = stack[id] as Record<string, unknown>
    const defaults =
      id === 'ens'
        ? { fusion: 'logits' }
        : (STACK_TECHNIQUES[id].schema.parse({}) as Record<string, unknown>)
    const changed = Object.entries(settings)
      .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(defaults[key]))
      .map(
        ([key, value]) =>
          `${key} = ${Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`
      )
    return {
      id,
      short: entry.short,
      name: entry.name,
      paper: `${entry.paper.authors}, ${entry.paper.venue}`,
      changed
    }
  })
}
