/**
 * What the form shows for each minimizer's and technique's hyper-parameters: a label in the papers'
 * notation, the input kind, and whether leaving it empty means "use the method's own rule". Techniques'
 * fields and groups are read from the technique registry.
 */
import type { EditableTechnique } from '../../stores/audit-form'
import type { MinimizerId } from '@contract/minimizer-spec'
import {
  STACK_TECHNIQUE_IDS,
  techniqueEntry,
  type StackTechniqueId
} from '@contract/techniques/registry'
import {
  describeRange,
  type Family,
  type ParamInfo,
  type ParamUnit
} from '@contract/techniques/technique-entry'

export interface HyperField {
  key: string
  label: string
  kind: 'number' | 'int' | 'boolean' | 'enum' | 'text'
  options?: readonly string[]
  /** Empty is allowed and means the default rule named in `hint`. */
  optional?: boolean
  hint?: string
}

const rho: HyperField = { key: 'rho', label: 'ρ', kind: 'number', hint: 'neighbourhood radius' }
const averageStart: HyperField = {
  key: 'averageStart',
  label: 'average from epoch',
  kind: 'int',
  optional: true,
  hint: 'empty: the last 25 % of epochs'
}
const scaled: HyperField = {
  key: 'scaled',
  label: 'scaled tensors',
  kind: 'enum',
  options: ['weights', 'all']
}

export const MINIMIZER_FIELDS: Record<MinimizerId, readonly HyperField[]> = {
  sgd: [],
  swa: [averageStart],
  sam: [rho],
  wasam: [rho, averageStart],
  asam: [rho, { key: 'eta', label: 'η', kind: 'number' }, scaled],
  gsam: [
    rho,
    { key: 'alpha', label: 'α', kind: 'number' },
    { key: 'rhoMin', label: 'ρ min', kind: 'number', optional: true, hint: 'empty: constant ρ' }
  ],
  agsam: [
    rho,
    { key: 'alpha', label: 'α', kind: 'number' },
    { key: 'eta', label: 'η', kind: 'number' },
    scaled
  ],
  looksam: [
    rho,
    { key: 'k', label: 'k', kind: 'int', hint: 'a full SAM step every k' },
    { key: 'alpha', label: 'α', kind: 'number' },
    { key: 'warmupEpochs', label: 'warm-up epochs', kind: 'int' },
    { key: 'projection', label: 'projection', kind: 'enum', options: ['global', 'per-tensor'] }
  ],
  sat: [
    { key: 'eps', label: 'ε (L2)', kind: 'number' },
    { key: 'steps', label: 'PGD steps', kind: 'int' },
    { key: 'stepSize', label: 'step size', kind: 'number', optional: true, hint: 'empty: ε/5' }
  ],
  awp: [{ key: 'gamma', label: 'γ', kind: 'number', hint: 'relative weight perturbation' }]
}

const UNITS: Partial<Record<ParamUnit, string>> = {
  eps: '× ε',
  alpha: '× α',
  'eps/T': '× ε/T',
  px: 'px',
  deg: '°'
}

/** A registry parameter as a form field: its hint says the rule, the range and the unit. */
export function fieldOf(p: ParamInfo): HyperField | null {
  if (p.kind === 'surrogates' || p.kind === 'weights') return null
  const parts = [p.hint]
  if (p.kind === 'int' || p.kind === 'number')
    parts.push(`${describeRange(p)}${p.unit && UNITS[p.unit] ? ` ${UNITS[p.unit]}` : ''}`)
  if (p.paperValue !== undefined) parts.push(`paper ${p.paperValue}`)
  const hint = parts.filter(Boolean).join(' · ') || undefined
  switch (p.kind) {
    case 'int':
    case 'number':
      return {
        key: p.key,
        label: p.label,
        kind: p.kind === 'int' ? 'int' : 'number',
        optional: p.default === undefined,
        hint
      }
    case 'boolean':
      return { key: p.key, label: p.label, kind: 'boolean', hint }
    case 'enum':
      return { key: p.key, label: p.label, kind: 'enum', options: p.options, hint }
    case 'layer':
      return { key: p.key, label: p.label, kind: 'text', hint }
  }
}

/** Each technique's fields, read from the registry. */
export const TECHNIQUE_FIELDS = Object.fromEntries(
  STACK_TECHNIQUE_IDS.filter((id) => id !== 'lgv').map((id) => [
    id,
    techniqueEntry(id).params.flatMap((p) => fieldOf(p) ?? [])
  ])
) as unknown as Record<EditableTechnique, readonly HyperField[]>

const FAMILY_TITLES: Record<Family, string> = {
  base: 'Base',
  'model-related': 'Model-related',
  'input-transformation': 'Input transformation',
  gradient: 'Gradient',
  objective: 'Objective',
  ensemble: 'Ensemble'
}

/** The registry's families, in registry order, each with its techniques. */
export const TECHNIQUE_GROUPS: readonly {
  title: string
  family: Family
  ids: readonly StackTechniqueId[]
}[] = (['model-related', 'input-transformation', 'gradient', 'objective', 'ensemble'] as const).map(
  (family) => ({
    title: FAMILY_TITLES[family],
    family,
    ids: STACK_TECHNIQUE_IDS.filter((id) => techniqueEntry(id).family === family)
  })
)

/** LGV's collection from the trained surrogate (training spec §7; LGV's ImageNet recipe by default). */
export const LGV_COLLECT_FIELDS: readonly HyperField[] = [
  { key: 'epochs', label: 'epochs', kind: 'int', hint: 'of SGD from the trained surrogate' },
  { key: 'perEpoch', label: 'members per epoch', kind: 'int' },
  { key: 'lr', label: 'LR', kind: 'number', hint: 'constant' },
  { key: 'batchSize', label: 'batch size', kind: 'int' }
]

/** How many LGV members each attack iteration averages. */
export const LGV_FIELDS: readonly HyperField[] = [
  { key: 'nGrad', label: 'members per iteration', kind: 'int', hint: 'n_grad' }
]
