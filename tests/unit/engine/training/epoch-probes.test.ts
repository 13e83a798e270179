import { describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { validationAttack } from '../../../../main/engine/training/epoch-probes'

const spec = (
  validation: object,
  attack: object = { eps: 16 / 255, steps: 50, stack: { mi: {} }, repeats: 3, seed: 7 }
) =>
  AuditSpec.parse({
    surrogates: [{ name: 's', arch: 'small-cnn', earlyStopping: true }],
    targets: [{ name: 't', arch: 'small-cnn', seed: 1 }],
    dataset: { validationSize: 100 },
    validation: { targets: [{ name: 'v', arch: 'small-cnn', seed: 2 }], ...validation },
    attack
  })

describe('validationAttack', () => {
  it("is the audit's attack as plain BIM, one repeat, on `examples` images", () => {
    const a = validationAttack(spec({ examples: 300 }))
    expect(a).toMatchObject({
      eps: 16 / 255,
      steps: 50,
      stepSize: 16 / 255 / 10,
      repeats: 1,
      maxExamples: 300,
      seed: 7,
      stack: {}
    })
  })

  it('applies the overrides, and a new ε without a step size gets ε/10 again', () => {
    expect(validationAttack(spec({ attack: { steps: 10 } }))).toMatchObject({
      steps: 10,
      eps: 16 / 255,
      stepSize: 16 / 255 / 10
    })
    expect(validationAttack(spec({ attack: { eps: 8 / 255 } })).stepSize).toBeCloseTo(
      8 / 255 / 10,
      12
    )
    expect(validationAttack(spec({ attack: { eps: 8 / 255, stepSize: 0.01 } })).stepSize).toBe(0.01)
  })
})
