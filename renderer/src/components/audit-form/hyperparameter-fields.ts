/**
 * What the form shows for each minimizer's and technique's hyper-parameters: a label in the papers'
 * notation, the input kind, and whether leaving it empty means "use the method's own rule".
 */
import type { EditableTechnique } from '../../stores/audit-form'
import type { MinimizerId } from '@contract/minimizer-spec'

export interface HyperField {
  key: string
  label: string
  kind: 'number' | 'int' | 'boolean' | 'enum'
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
const scaled: HyperField = { key: 'scaled', label: 'scaled tensors', kind: 'enum', options: ['weights', 'all'] }

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
  agsam: [rho, { key: 'alpha', label: 'α', kind: 'number' }, { key: 'eta', label: 'η', kind: 'number' }, scaled],
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

export const TECHNIQUE_FIELDS: Record<EditableTechnique, readonly HyperField[]> = {
  gn: [{ key: 'range', label: 'erosion r', kind: 'number', hint: 'λ ~ U[1−r, 1+r]' }],
  sgm: [{ key: 'gamma', label: 'γ', kind: 'number', hint: 'residual gradient scale' }],
  di: [
    { key: 'resizeRate', label: 'resize rate', kind: 'number' },
    { key: 'prob', label: 'probability', kind: 'number' }
  ],
  si: [{ key: 'copies', label: 'copies m', kind: 'int' }],
  vt: [
    { key: 'samples', label: 'samples N', kind: 'int' },
    { key: 'beta', label: 'β', kind: 'number' },
    { key: 'mu', label: 'μ', kind: 'number' }
  ],
  mi: [{ key: 'mu', label: 'μ', kind: 'number' }],
  ni: [{ key: 'mu', label: 'μ', kind: 'number' }],
  rap: [
    { key: 'innerSteps', label: 'inner steps', kind: 'int' },
    { key: 'epsN', label: 'ε_n', kind: 'number', optional: true, hint: 'empty: 0.75·ε' },
    { key: 'alphaN', label: 'α_n', kind: 'number', optional: true, hint: 'empty: ε_n/5' },
    { key: 'lateStart', label: 'late start t', kind: 'int' },
    { key: 'randomInit', label: 'random inner init', kind: 'boolean' }
  ]
}

/** The families the form groups techniques by (Gubri et al. Table 4). */
export const TECHNIQUE_GROUPS: readonly { title: string; ids: readonly TechniqueIdOrLgv[] }[] = [
  { title: 'Model augmentation', ids: ['gn', 'sgm', 'lgv'] },
  { title: 'Data augmentation', ids: ['di', 'si', 'vt'] },
  { title: 'Optimizers', ids: ['mi', 'ni', 'rap'] }
]
type TechniqueIdOrLgv = EditableTechnique | 'lgv'

/** LGV's collection from the trained surrogate (training spec §7; LGV's ImageNet recipe by default). */
export const LGV_COLLECT_FIELDS: readonly HyperField[] = [
  { key: 'epochs', label: 'epochs', kind: 'int', hint: 'of SGD from the trained surrogate' },
  { key: 'perEpoch', label: 'members per epoch', kind: 'int' },
  { key: 'lr', label: 'LR', kind: 'number', hint: 'constant' },
  { key: 'batchSize', label: 'batch size', kind: 'int' }
]

/** How many LGV members each attack iteration averages. */
export const LGV_FIELDS: readonly HyperField[] = [{ key: 'nGrad', label: 'members per iteration', kind: 'int', hint: 'n_grad' }]
