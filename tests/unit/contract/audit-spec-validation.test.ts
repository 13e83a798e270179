import { describe, expect, it } from 'vitest'
import { AuditSpec, describeSpecError, type ModelSpec } from '../../../main/contract/audit-spec'

const errorOf = (input: unknown): string => {
  const parsed = AuditSpec.safeParse(input)
  return parsed.success ? '' : describeSpecError(parsed.error)
}

const surrogate = { name: 's', arch: 'small-cnn', width: 4, earlyStopping: true }
const target = { name: 't', arch: 'small-cnn', width: 4, seed: 1 }
const valid = {
  surrogates: [surrogate],
  targets: [target],
  dataset: { validationSize: 100 },
  validation: { targets: [{ name: 'v', arch: 'small-cnn', width: 4, seed: 2 }] }
}

describe('AuditSpec validation (early stopping without leakage)', () => {
  it('fills the validation defaults and keeps old specs without a validation split', () => {
    const spec = AuditSpec.parse(valid)
    expect(spec.validation?.examples).toBe(500)
    expect(spec.dataset.validationSize).toBe(100)
    expect(spec.dataset.splitSeed).toBeUndefined()
    const old = AuditSpec.parse({
      surrogates: [{ name: 's', arch: 'small-cnn' }],
      targets: [target]
    })
    expect(old.dataset.validationSize).toBe(0)
    expect(old).not.toHaveProperty('validation')
  })

  it('fills the sharpness tracking defaults', () => {
    const spec = AuditSpec.parse({
      ...valid,
      surrogates: [{ ...surrogate, track: { sharpness: {} } }]
    })
    expect((spec.surrogates[0] as ModelSpec).track?.sharpness).toEqual({
      examples: 1000,
      iterations: 20,
      hutchinsonSamples: 10
    })
  })

  it('refuses early stopping or tracked transfer without a validation block, naming the surrogate', () => {
    expect(errorOf({ surrogates: [surrogate], targets: [target] })).toMatch(
      /surrogates\.0\.earlyStopping: surrogate "s" uses early stopping: add a validation block/
    )
    expect(
      errorOf({
        surrogates: [{ name: 's', arch: 'small-cnn', track: { transfer: true } }],
        targets: [target]
      })
    ).toMatch(/surrogates\.0\.track: .*tracks validation transfer/)
    expect(
      errorOf({
        surrogates: [{ name: 's', arch: 'small-cnn', track: { sharpness: {} } }],
        targets: [target]
      })
    ).toBe('')
  })

  it('refuses validation without held-out images, naming dataset.validationSize', () => {
    expect(errorOf({ ...valid, dataset: {} })).toMatch(
      /dataset\.validationSize: validation needs held-out images/
    )
  })

  it('refuses validation without any validation target', () => {
    expect(errorOf({ ...valid, validation: { targets: [] } })).toMatch(
      /validation\.targets: validation needs at least one validation target/
    )
  })

  it('refuses a trained model that is in both sets, naming both', () => {
    const twin = { ...target, name: 'v-twin' }
    expect(errorOf({ ...valid, validation: { targets: [twin] } })).toMatch(
      /validation target "v-twin" is the same model as test target "t"/
    )
    // A different seed makes it another model.
    expect(errorOf({ ...valid, validation: { targets: [{ ...twin, seed: 9 }] } })).toBe('')
  })

  it('refuses an imported model whose file is in both sets, naming both', () => {
    const spec = {
      ...valid,
      importedTargets: [{ name: 'in-house', format: 'onnx', path: './models/a.onnx' }],
      validation: {
        targets: [],
        importedTargets: [{ name: 'in-house-v', format: 'onnx', path: 'models/a.onnx' }]
      }
    }
    expect(errorOf(spec)).toMatch(
      /validation target "in-house-v" is the same file as test target "in-house"/
    )
  })

  it('refuses a validation target named like another model', () => {
    expect(
      errorOf({ ...valid, validation: { targets: [{ name: 't', arch: 'mlp', width: 4 }] } })
    ).toMatch(/model name "t" is used twice/)
  })

  it('checks the validation attack overrides like the attack', () => {
    expect(errorOf({ ...valid, validation: { ...valid.validation, attack: { eps: 8 } } })).toMatch(
      /validation\.attack\.eps: eps must be in \(0, 1\]/
    )
    expect(
      errorOf({ ...valid, validation: { ...valid.validation, attack: { norm: 'l2', eps: 8 } } })
    ).toBe('')
  })

  it('refuses early stopping on a target', () => {
    expect(errorOf({ ...valid, targets: [{ ...target, earlyStopping: true }] })).toMatch(
      /targets "t": earlyStopping and track apply to surrogates only/
    )
  })
})
