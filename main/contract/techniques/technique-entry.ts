/**
 * What one registry entry says about a transferability technique (spec attacks-more.md §6): its id,
 * family, paper, hyper-parameters with defaults and ranges, cost per iteration, requirements and
 * where it acts in the loop. The attack loop, the spec schema, the New audit form, the cost estimate
 * and the report all read these entries; nothing about a technique is written down twice.
 *
 * Hyper-parameters are declared once as `ParamInfo`s; `paramsSchema` turns them into the strict zod
 * schema of the technique's `attack.stack.<id>` object, so the ranges the form shows are the ranges
 * the spec enforces, and every range error names the technique and the field.
 */
import { z } from 'zod'

export type Family =
  'base' | 'input-transformation' | 'gradient' | 'objective' | 'model-related' | 'ensemble'

/** Where the technique acts (spec attacks-more.md §1.1): the loop runs these layers in this order. */
export type LoopLayer =
  | 'optimizer'
  | 'objective'
  | 'model'
  | 'oracle-generator'
  | 'oracle-transform'
  | 'gradient-filter'
  | 'estimator'
  | 'loop-owner'
  | 'pipeline'

/** A slot holds at most one technique; a second one in the same slot is a conflict. */
export type Slot = 'objective' | 'generator' | 'estimator' | 'loop'

/** What a number is measured in: ε and α units carry a setting across budgets. */
export type ParamUnit = 'abs' | 'eps' | 'alpha' | 'eps/T' | 'px' | 'deg' | 'prob' | 'count'

interface ParamBase {
  key: string
  /** Label in the paper's notation, as the form shows it. */
  label: string
  hint?: string
  /** The original paper's value when the app default differs (shown next to it). */
  paperValue?: number | string
  /** A value that could not be confirmed from the paper text; says how it was settled (docs/techniques.md). */
  settled?: string
}
export interface NumberParam extends ParamBase {
  kind: 'int' | 'number'
  /** Absent: the field is optional and `hint` names the rule that applies when it is left out. */
  default?: number
  range: readonly [number, number]
  /** Bounds that are excluded from the range, e.g. DI's resize rate in (0, 1). */
  open?: 'min' | 'max' | 'both'
  unit?: ParamUnit
}
export interface BooleanParam extends ParamBase {
  kind: 'boolean'
  default: boolean
}
export interface EnumParam extends ParamBase {
  kind: 'enum'
  default: string
  options: readonly string[]
}
/** A named intermediate layer of the surrogate ('auto' picks one; see model feature taps). */
export interface LayerParam extends ParamBase {
  kind: 'layer'
  default: string
}
/** Names of audit surrogates (an ensemble's members). */
export interface SurrogatesParam extends ParamBase {
  kind: 'surrogates'
  min: number
}
/** Optional non-negative weights, one per member. */
export interface WeightsParam extends ParamBase {
  kind: 'weights'
}
export type ParamInfo =
  NumberParam | BooleanParam | EnumParam | LayerParam | SurrogatesParam | WeightsParam

/** What the technique needs from the surrogate(s) or the stack; checked before anything runs. */
export interface Requirements {
  /** GN reaches residual shortcuts; SGM reaches identity-shortcut residual branches. */
  skips?: 'shortcut' | 'identity-residual'
  /** A named intermediate layer with gradients through it (ILA, FIA). */
  features?: boolean
  /** Several surrogates attacked as one. */
  members?: { min: number }
  /** Needs an ensemble in the same stack (the technique runs over its members). */
  ensemble?: boolean
  /** Clean images of other classes to mix in. */
  pool?: 'labelled-clean'
}

/**
 * The technique's part of the passes per example and iteration (spec attacks-more.md §1.4):
 * `passes = E·c·K·n + extra(t)`, with E oracle calls, c copies per call, K members per pass.
 */
export type CostTerm<P> =
  | { kind: 'none' }
  | { kind: 'copies'; value: (p: P) => number }
  | { kind: 'calls'; value: (p: P) => number }
  | { kind: 'members'; value: (p: P) => number }
  | { kind: 'extra'; value: (p: P, t: number) => number }
  | { kind: 'loop'; value: (p: P, copies: number, members: number) => number }
  | { kind: 'per-batch'; value: (p: P) => number }
  | { kind: 'pipeline'; stage1Steps: (p: P, steps: number) => number }

export interface PaperRef {
  authors: string
  title: string
  venue: string
  year: number
  url: string
}

export interface TechniqueEntry<P = Record<string, unknown>, S extends z.ZodType = z.ZodType> {
  id: string
  /** Short name as the form and the stack label show it, e.g. "PGN". */
  short: string
  name: string
  family: Family
  layer: LoopLayer
  slot?: Slot
  paper: PaperRef
  /** The paper's own attack setting, for the reader (the app's defaults are in `params`). */
  paperSetting: string
  params: readonly ParamInfo[]
  /** The strict schema of `attack.stack.<id>` (bim has none: it is the loop itself). */
  schema?: S
  cost: CostTerm<P>
  requires: Requirements
  /** Whether these settings draw random numbers, so repeats over seeds differ (oracle E18). */
  randomised: (p: P) => boolean
  /** Ids it cannot be combined with (checked both ways), each with the reason. */
  conflicts: Readonly<Record<string, string>>
  norms: readonly ('linf' | 'l2')[]
  /** Presets expand to other techniques and have no code of their own (VMI, VNI). */
  expand?: (p: P) => Record<string, unknown>
  /** Whether the 'targeted' attack mode is required, allowed or rejected. */
  targeted?: 'required' | 'allowed' | 'rejected'
  /** One of the nine techniques of Gubri et al. 2023, Table 4. */
  paperTable4?: boolean
}

// Type of a technique's parsed settings, derived from its ParamInfo list.
type ValueOf<P> = P extends { kind: 'enum'; options: readonly (infer O)[] }
  ? O
  : P extends { kind: 'boolean' }
    ? boolean
    : P extends { kind: 'layer' }
      ? string
      : P extends { kind: 'surrogates' }
        ? string[]
        : P extends { kind: 'weights' }
          ? number[]
          : number
type HasDefault<P> = P extends { default: unknown }
  ? true
  : P extends { kind: 'surrogates' }
    ? true
    : false
export type ParamsOf<Ps extends readonly ParamInfo[]> = {
  [P in Ps[number] as HasDefault<P> extends true ? P['key'] : never]: ValueOf<P>
} & { [P in Ps[number] as HasDefault<P> extends true ? never : P['key']]?: ValueOf<P> }

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)))
}

/** The range as "[a, b]", "(a, b]", … */
export function describeRange(p: NumberParam): string {
  const [lo, hi] = p.range
  const openMin = p.open === 'min' || p.open === 'both'
  const openMax = p.open === 'max' || p.open === 'both'
  return `${openMin ? '(' : '['}${format(lo)}, ${format(hi)}${openMax ? ')' : ']'}`
}

function fieldSchema(id: string, p: ParamInfo): z.ZodType {
  const path = `${id}.${p.key}`
  switch (p.kind) {
    case 'int':
    case 'number': {
      const range = describeRange(p)
      const [lo, hi] = p.range
      let s = z.number({ error: () => `${path} must be a number in ${range}` })
      if (p.kind === 'int') s = s.int(`${path} must be a whole number in ${range}`)
      s =
        p.open === 'min' || p.open === 'both'
          ? s.gt(lo, `${path} must be > ${format(lo)}: its range is ${range}`)
          : s.min(lo, `${path} must be ≥ ${format(lo)}: its range is ${range}`)
      s =
        p.open === 'max' || p.open === 'both'
          ? s.lt(hi, `${path} must be < ${format(hi)}: its range is ${range}`)
          : s.max(hi, `${path} must be ≤ ${format(hi)}: its range is ${range}`)
      return p.default === undefined ? s.optional() : s.default(p.default)
    }
    case 'boolean':
      return z.boolean({ error: () => `${path} must be true or false` }).default(p.default)
    case 'enum':
      return z
        .enum(p.options as [string, ...string[]], {
          error: (issue) =>
            `${path}: unknown value ${JSON.stringify(issue.input)}: expected one of ${p.options.join(', ')}`
        })
        .default(p.default)
    case 'layer':
      return z
        .string({ error: () => `${path} must be a layer name or "auto"` })
        .min(1, `${path} must be a layer name or "auto"`)
        .default(p.default)
    case 'surrogates':
      return z
        .array(z.string().min(1), { error: () => `${path} must list surrogate names` })
        .min(
          p.min,
          `${path}: an ensemble needs at least ${p.min} surrogates, got fewer: add another surrogate or remove "${id}"`
        )
        .refine(
          (names) => new Set(names).size === names.length,
          `${path} names a surrogate twice: list each member once`
        )
    case 'weights':
      return z
        .array(z.number().min(0, `${path}: weights must be ≥ 0`), {
          error: () => `${path} must be a list of weights`
        })
        .refine((w) => w.some((v) => v > 0), `${path}: at least one weight must be > 0`)
        .optional()
  }
}

/** The strict zod schema of a technique's settings: unknown keys are errors, ranges from `params`. */
export function paramsSchema<const Ps extends readonly ParamInfo[]>(
  id: string,
  params: Ps
): z.ZodType<ParamsOf<Ps>, Partial<ParamsOf<Ps>>> {
  const shape = Object.fromEntries(params.map((p) => [p.key, fieldSchema(id, p)]))
  return z.strictObject(shape) as unknown as z.ZodType<ParamsOf<Ps>, Partial<ParamsOf<Ps>>>
}

/** Declares an entry with its settings' type derived from its schema. */
export function defineTechnique<S extends z.ZodType>(
  entry: TechniqueEntry<z.infer<S>, S> & { schema: S }
): TechniqueEntry<z.infer<S>, S> & { schema: S } {
  return entry
}
