/**
 * The attack stack: which transferability techniques an attack stacks on BIM, with their settings.
 *
 * Built from the technique registry (techniques/registry.ts): each technique's `attack.stack.<id>`
 * object is its entry's strict schema, so unknown keys and out-of-range values are errors naming the
 * technique and the field; pairs that cannot be combined are rejected with both ids (stack-rules.ts).
 * Every technique is off unless its key is present; `{}` turns it on with its defaults (the papers',
 * or the app's where the paper's do not fit 28–32 px images; docs/techniques.md). Each acts at one fixed
 * place of the loop, so key order never matters. The cost functions give forward-backward passes per
 * example (stack-cost.ts) so the UI can show the price of a stack before it runs.
 */
import { z } from 'zod'
import {
  STACK_TECHNIQUES,
  STACK_TECHNIQUE_IDS,
  techniqueEntry,
  type StackTechniqueId
} from './techniques/registry'
import { stackProblems } from './techniques/stack-rules'

export { LgvConfig } from './techniques/lgv'
export {
  attackCost,
  attackCostPerBatch,
  attackCostPerIteration,
  expandPresets
} from './techniques/stack-cost'
export { STACK_TECHNIQUE_IDS, type StackTechniqueId } from './techniques/registry'

export const GnConfig = STACK_TECHNIQUES.gn.schema
export const SgmConfig = STACK_TECHNIQUES.sgm.schema
export const DiConfig = STACK_TECHNIQUES.di.schema
export const SiConfig = STACK_TECHNIQUES.si.schema
export const VtConfig = STACK_TECHNIQUES.vt.schema
export const MiConfig = STACK_TECHNIQUES.mi.schema
export const NiConfig = STACK_TECHNIQUES.ni.schema
export const RapConfig = STACK_TECHNIQUES.rap.schema

type Schemas = { [K in StackTechniqueId]: (typeof STACK_TECHNIQUES)[K]['schema'] }
type StackShape = { [K in StackTechniqueId]: z.ZodOptional<Schemas[K]> }

const shape = Object.fromEntries(
  STACK_TECHNIQUE_IDS.map((id) => [id, STACK_TECHNIQUES[id].schema.optional()])
) as unknown as StackShape

export const AttackStack = z.strictObject(shape).superRefine((stack, ctx) => {
  for (const p of stackProblems(stack))
    ctx.addIssue({ code: 'custom', path: p.path, message: p.message })
})
export type AttackStack = z.infer<typeof AttackStack>

/** The nine techniques of Gubri et al. 2023, Table 4 (the paper's rows; `STACK_TECHNIQUE_IDS` has them all). */
export const TECHNIQUES = ['gn', 'sgm', 'lgv', 'di', 'si', 'vt', 'mi', 'ni', 'rap'] as const
export type TechniqueId = (typeof TECHNIQUES)[number]

/** What the UI lists for each technique: its layer of the loop (spec §2.1) and its paper. */
export interface TechniqueInfo {
  label: string
  layer: 'model' | 'oracle' | 'optimizer'
  paper: string
  /** Whether it draws random numbers (so repeats over seeds differ). */
  randomised: boolean
}

const coarseLayer = (id: StackTechniqueId): TechniqueInfo['layer'] => {
  const layer = techniqueEntry(id).layer
  return layer === 'model' ? 'model' : layer.startsWith('oracle') ? 'oracle' : 'optimizer'
}

/** The nine Table 4 techniques' short description, read from the registry. */
export const TECHNIQUE_INFO = Object.fromEntries(
  TECHNIQUES.map((id) => {
    const entry = techniqueEntry(id)
    const schema = STACK_TECHNIQUES[id].schema as z.ZodType
    return [
      id,
      {
        label: entry.name,
        layer: coarseLayer(id),
        paper: `${entry.paper.authors}, ${entry.paper.venue}`,
        randomised: entry.randomised(schema.parse({}) as Record<string, unknown>)
      }
    ]
  })
) as Record<TechniqueId, TechniqueInfo>

/** Techniques that patch the inside of residual blocks, so need an architecture with skip connections. */
export const NEEDS_SKIPS: readonly StackTechniqueId[] = STACK_TECHNIQUE_IDS.filter(
  (id) => techniqueEntry(id).requires.skips
)

/** Short label of a stack, e.g. "BIM + DI + MI". */
export function describeStack(stack: Partial<Record<StackTechniqueId, unknown>>): string {
  const on = STACK_TECHNIQUE_IDS.filter((id) => stack[id] !== undefined).map(
    (id) => techniqueEntry(id).short
  )
  return ['BIM', ...on].join(' + ')
}

/** Whether the stack draws random numbers with these settings, so its repeats over seeds differ. */
export function isRandomisedStack(stack: Partial<Record<StackTechniqueId, unknown>>): boolean {
  return STACK_TECHNIQUE_IDS.some(
    (id) =>
      stack[id] !== undefined && techniqueEntry(id).randomised(stack[id] as Record<string, unknown>)
  )
}
