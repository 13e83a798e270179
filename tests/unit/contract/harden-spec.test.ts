import { describe, expect, it } from 'vitest'
import {
  AuditSpec,
  describeSpecError,
  type AuditSpecInput
} from '../../../main/contract/audit-spec'
import {
  adversarialTrainingOf,
  hardenWarnings,
  type HardenSpecInput
} from '../../../main/contract/harden-spec'

const recipe = { epochs: 1 }
const base: AuditSpecInput = {
  surrogates: [{ name: 'sur', arch: 'small-cnn', recipe }],
  targets: [{ name: 'tcnn', arch: 'small-cnn', width: 8, recipe }],
  importedTargets: [
    { name: 'in-house', format: 'onnx', path: 'model.onnx' },
    { name: 'web', format: 'tfjs', path: 'web/model.json' }
  ],
  attack: { eps: 16 / 255 }
}
const errorOf = (harden: unknown, extra: Partial<AuditSpecInput> = {}) => {
  const parsed = AuditSpec.safeParse({ ...base, ...extra, harden })
  return parsed.success ? '' : describeSpecError(parsed.error)
}

describe('harden spec', () => {
  it('takes a trained target with the paper defaults', () => {
    const h = AuditSpec.parse({ ...base, harden: { target: 'tcnn' } }).harden!
    expect(h.recipes).toEqual(['sgd', 'sam-0.05', 'sam-0.1', 'pgd-at', 'sam-at'])
    // Not written, so not stored: the recipes read the paper defaults through adversarialTrainingOf.
    expect(h.adversarialTraining).toBeUndefined()
    expect(adversarialTrainingOf(h)).toEqual({
      eps: 8 / 255,
      steps: 7,
      stepSize: 0.007,
      randomStart: true
    })
    expect(h.flatness.average).toEqual({ xi: 0.5, samples: 10 })
    expect(h.flatness.worst).toEqual({ xi: 0.003, steps: 20, weightStepSize: 0.01, restarts: 10 })
    expect(h.flatness.examples).toBe(1000)
    expect(h.whiteBox.steps).toBe(20)
  })

  it('refuses an imported ONNX target: no training graph, and offers stand-ins of a registry architecture', () => {
    const message = errorOf({ target: 'in-house' })
    expect(message).toContain(
      'harden.target: cannot harden "in-house" directly: it is an imported ONNX model (model.onnx) with no training graph'
    )
    expect(message).toContain('Harden stand-ins instead: replace "target" with "arch"')
    expect(message).toContain('"small-cnn", the architecture of tcnn')
    expect(errorOf({ target: 'web' })).toContain('an imported TensorFlow.js model')
    expect(errorOf({ arch: 'small-cnn' })).toBe('')
  })

  it('refuses unknown keys, a missing baseline, both or neither of target and arch, and names that are not targets', () => {
    expect(errorOf({ target: 'tcnn', recipe: ['sgd'] })).toContain(
      'unknown key harden.recipe; did you mean harden.recipes?'
    )
    expect(errorOf({ target: 'tcnn', adversarialTraining: { epsilon: 0.1 } })).toContain(
      'unknown key harden.adversarialTraining.epsilon; did you mean harden.adversarialTraining.eps?'
    )
    expect(errorOf({ target: 'tcnn', recipes: ['sam-0.05', 'pgd-at'] })).toContain(
      'recipes must include "sgd"'
    )
    expect(errorOf({ target: 'tcnn', recipes: ['sgd', 'trades'] })).toContain(
      'unknown harden recipe "trades"'
    )
    expect(errorOf({ target: 'tcnn', arch: 'small-cnn' })).toContain('give either "target"')
    expect(errorOf({})).toContain('give either "target"')
    expect(errorOf({ target: 'sur' })).toContain('cannot harden "sur": it is a surrogate')
    expect(errorOf({ arch: 'alexnet' })).toContain('harden.arch: unknown architecture "alexnet"')
    expect(errorOf({ target: 'tcnn', width: 4 })).toContain(
      'width and seed apply to "arch" stand-ins only'
    )
    expect(errorOf({ target: 'tcnn', adversarialTraining: { eps: 2 } })).toContain(
      'harden.adversarialTraining.eps: eps must be in (0, 1]'
    )
  })

  it('needs an L∞ white-box ε when the audit attacks under L2, and a free name per stand-in', () => {
    expect(errorOf({ target: 'tcnn' }, { attack: { norm: 'l2', eps: 0.5 } })).toContain(
      'harden.whiteBox.eps: the audit attacks under L2'
    )
    expect(
      errorOf({ target: 'tcnn', whiteBox: { eps: 0.03 } }, { attack: { norm: 'l2', eps: 0.5 } })
    ).toBe('')
    expect(
      errorOf(
        { target: 'tcnn' },
        {
          targets: [
            { name: 'tcnn', arch: 'small-cnn', recipe },
            { name: 'harden-sgd', arch: 'mlp', recipe }
          ]
        }
      )
    ).toContain('model name "harden-sgd" is taken')
  })

  it('warns (does not refuse) when adversarial training uses a larger ε than the audit', () => {
    const spec = AuditSpec.parse({
      ...base,
      harden: { target: 'tcnn', adversarialTraining: { eps: 32 / 255 } }
    })
    const warnings = hardenWarnings(spec.harden!, spec)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(
      "harden.adversarialTraining.eps 0.125 (32/255) is larger than the audit's ε 0.0627 (16/255)"
    )
    const same = AuditSpec.parse({
      ...base,
      harden: { target: 'tcnn', adversarialTraining: { eps: 16 / 255 } }
    })
    expect(hardenWarnings(same.harden!, same)).toEqual([])
    const noAt = AuditSpec.parse({
      ...base,
      harden: {
        target: 'tcnn',
        recipes: ['sgd', 'sam-0.1'],
        adversarialTraining: { eps: 32 / 255 }
      }
    })
    // No recipe trains adversarially: not "larger than the audit's ε" but "changes nothing" (below).
    expect(hardenWarnings(noAt.harden!, noAt)).toEqual([
      expect.stringContaining('but no chosen recipe trains adversarially')
    ])
  })

  it('warns that an adversarial-training budget written without an adversarial recipe changes nothing, from the parsed spec alone (as a stored run has it)', () => {
    const written: HardenSpecInput = {
      target: 'tcnn',
      recipes: ['sgd', 'sam-0.1'],
      adversarialTraining: { eps: 32 / 255 }
    }
    const spec = AuditSpec.parse({ ...base, harden: written })
    // The run record stores the parsed spec: its JSON round trip keeps what makes the warning.
    const stored = AuditSpec.parse(JSON.parse(JSON.stringify(spec)))
    expect(hardenWarnings(stored.harden!, stored)).toEqual(hardenWarnings(spec.harden!, spec))
    const warnings = hardenWarnings(spec.harden!, spec)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(
      "harden.adversarialTraining is set (ε 0.125 (32/255), larger than the audit's ε 0.0627 (16/255)) but no chosen recipe trains adversarially"
    )
    expect(warnings[0]).toContain('unless you add pgd-at, sam-at or awp')
    const within: HardenSpecInput = { ...written, adversarialTraining: { eps: 8 / 255 } }
    const withinSpec = AuditSpec.parse({ ...base, harden: within })
    expect(hardenWarnings(withinSpec.harden!, withinSpec)).toEqual([
      expect.stringContaining('is set (ε 0.0314 (8/255)) but no chosen recipe')
    ])
    // Not written: the defaults of an unused block are no one's mistake.
    const unset: HardenSpecInput = { target: 'tcnn', recipes: ['sgd', 'sam-0.1'] }
    const unsetSpec = AuditSpec.parse({ ...base, harden: unset })
    expect(hardenWarnings(unsetSpec.harden!, unsetSpec)).toEqual([])
  })
})
