import { describe, expect, it } from 'vitest'
import {
  AuditSpec,
  describeSpecError,
  TrainingRecipe,
  type ModelSpec
} from '../../../main/contract/audit-spec'
import { MINIMIZER_IDS, MinimizerSpec } from '../../../main/contract/minimizer-spec'
import {
  describeMinimizer,
  relativeCost,
  TRAINING_PRESETS
} from '../../../main/contract/training-presets'

describe('MinimizerSpec', () => {
  it("fills the paper's defaults per method", () => {
    expect(MinimizerSpec.parse({ id: 'sam' })).toEqual({ id: 'sam', rho: 0.05 })
    expect(MinimizerSpec.parse({ id: 'asam' })).toEqual({
      id: 'asam',
      rho: 0.5,
      eta: 0.01,
      scaled: 'weights'
    })
    expect(MinimizerSpec.parse({ id: 'gsam' })).toEqual({ id: 'gsam', rho: 0.05, alpha: 0.15 })
    expect(MinimizerSpec.parse({ id: 'agsam' })).toEqual({
      id: 'agsam',
      rho: 0.5,
      alpha: 0.15,
      eta: 0,
      scaled: 'all'
    })
    expect(MinimizerSpec.parse({ id: 'looksam' })).toEqual({
      id: 'looksam',
      rho: 0.05,
      k: 5,
      alpha: 0.7,
      warmupEpochs: 3,
      projection: 'global'
    })
    expect(MinimizerSpec.parse({ id: 'wasam' })).toEqual({ id: 'wasam', rho: 0.05 })
  })

  it('keeps old recipes valid: no minimizer means SGD', () => {
    expect(TrainingRecipe.parse({ optimizer: 'sgd', epochs: 3 }).minimizer).toEqual({ id: 'sgd' })
  })

  it('accepts the CLI shape surrogates: [{ arch, recipe: { minimizer: { id, rho } } }]', () => {
    const spec = AuditSpec.parse({
      surrogates: [
        { name: 's', arch: 'small-cnn', recipe: { minimizer: { id: 'sam', rho: 0.3 } } }
      ],
      targets: [{ name: 't', arch: 'small-cnn' }]
    })
    expect((spec.surrogates[0] as ModelSpec).recipe.minimizer).toEqual({ id: 'sam', rho: 0.3 })
    expect((spec.surrogates[0] as ModelSpec).recipe.epochs).toBe(150)
  })

  it('names the field and the choices for a bad minimizer', () => {
    const unknown = AuditSpec.safeParse({
      surrogates: [{ name: 's', arch: 'small-cnn', recipe: { minimizer: { id: 'adam' } } }],
      targets: [{ name: 't', arch: 'small-cnn' }]
    })
    expect(describeSpecError(unknown.error!)).toBe(
      `surrogates.0.recipe.minimizer.id: unknown minimizer id: expected one of ${MINIMIZER_IDS.join(', ')}`
    )
    const negative = TrainingRecipe.safeParse({ minimizer: { id: 'looksam', k: 0 } })
    expect(describeSpecError(negative.error!)).toMatch(/^minimizer\.k: /)
  })
})

describe('TRAINING_PRESETS (paper Table 3 / Table 5)', () => {
  it('lists valid minimizer specs with unique ids and the Table 3 costs', () => {
    const ids = TRAINING_PRESETS.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of TRAINING_PRESETS) expect(MinimizerSpec.parse(p.minimizer)).toEqual(p.minimizer)
    const cost = (id: string) => TRAINING_PRESETS.find((p) => p.id === id)!.relativeCost
    expect(cost('l-sam')).toBe(2)
    expect(cost('swa')).toBe(1)
    expect(cost('l-looksam')).toBeCloseTo(1.22, 2)
    expect(TRAINING_PRESETS.find((p) => p.id === 'l-sam')!.minimizer).toEqual({
      id: 'sam',
      rho: 0.3
    })
    expect(TRAINING_PRESETS.find((p) => p.id === 'l-sam-0.4')!.minimizer).toEqual({
      id: 'sam',
      rho: 0.4
    })
    expect(relativeCost({ id: 'gsam', rho: 0.05, alpha: 0.15 }, 150)).toBe(2)
  })
})

describe('describeMinimizer', () => {
  it('labels every minimizer with its main hyper-parameters', () => {
    expect(describeMinimizer({ id: 'sam', rho: 0.3 })).toBe('SAM ρ 0.3')
    expect(describeMinimizer(MinimizerSpec.parse({ id: 'looksam' }))).toBe('LookSAM ρ 0.05, k 5')
    expect(describeMinimizer(MinimizerSpec.parse({ id: 'sat' }))).toBe('SAT ε 0.05, 7 steps')
    for (const id of MINIMIZER_IDS)
      expect(describeMinimizer(MinimizerSpec.parse({ id }))).toMatch(/^[A-Z]/)
  })
})
