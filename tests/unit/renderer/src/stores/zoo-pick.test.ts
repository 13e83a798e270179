// @vitest-environment jsdom
import { AuditSpec } from '@contract/audit-spec'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  addDefaultValidation,
  draftFromSpec,
  specFromDraft,
  type FormDraft
} from '../../../../../renderer/src/stores/audit-form'
import {
  fineTunePresetOf,
  isPicked,
  pickSet,
  pickTarget,
  setFineTunedCopy
} from '../../../../../renderer/src/stores/zoo-pick'
import { loadDemoSpec } from '../../demo-spec-fixture'
import { zooEntry } from '../../zoo-fixture'

let draft: FormDraft
beforeEach(() => {
  draft = draftFromSpec(loadDemoSpec())
})
const a = zooEntry('in-house-a')
const b = zooEntry('in-house-b')

describe('zoo pick', () => {
  it('turns picked zoo targets into importedTargets with the stored path and preprocessing, in a valid spec', () => {
    expect(pickTarget(draft, 'test', a, true)).toBeNull()
    expect(isPicked(draft, 'test', a)).toBe(true)
    const spec = specFromDraft(draft)
    expect(spec.importedTargets).toEqual([
      {
        name: 'in-house-a',
        format: 'onnx',
        path: '/ws/zoo/targets/in-house-a/model.onnx',
        preprocessing: a.preprocessing
      }
    ])
    expect(AuditSpec.safeParse(spec).success).toBe(true)
    // A loaded spec's imported targets come back into the draft.
    expect(draftFromSpec(spec).importedTargets).toEqual(spec.importedTargets)
    pickTarget(draft, 'test', a, false)
    expect(specFromDraft(draft).importedTargets).toBeUndefined()
  })

  it('uses a whole set, replacing earlier zoo picks', () => {
    pickTarget(draft, 'test', a, true)
    expect(
      pickSet(draft, 'test', { name: 'test targets', targetIds: ['in-house-b'] }, [a, b])
    ).toBeNull()
    expect(draft.importedTargets?.map((t) => t.name)).toEqual(['in-house-b'])
  })

  it('refuses one model as both a test and a validation target, and validation picks without a validation block', () => {
    expect(pickTarget(draft, 'validation', a, true)).toMatch(/no validation block/)
    pickTarget(draft, 'test', a, true)
    addDefaultValidation(draft)
    expect(pickTarget(draft, 'validation', a, true)).toBe(
      '"in-house-a" is already a test target of this audit: one model cannot be both a test and a validation target.'
    )
    const both = { name: 'validation targets', targetIds: ['in-house-b', 'in-house-a'] }
    expect(pickSet(draft, 'validation', both, [a, b])).toMatch(
      /^set "validation targets": "in-house-a" is already a test target/
    )
    expect(draft.validation?.importedTargets).toBeUndefined()
    expect(pickTarget(draft, 'validation', b, true)).toBeNull()
    const spec = specFromDraft(draft)
    expect(spec.validation?.importedTargets?.map((t) => t.name)).toEqual(['in-house-b'])
    expect(AuditSpec.safeParse(spec).success).toBe(true)
  })

  it('refuses a zoo target whose name a trained model of the audit already has', () => {
    const clash = zooEntry(draft.targets[0].name)
    expect(pickTarget(draft, 'test', clash, true)).toBe(
      `the audit already has a model named "${draft.targets[0].name}": rename that model first.`
    )
  })
})

describe('zoo pick as surrogate', () => {
  const usable = {
    ...zooEntry('pretrained'),
    check: {
      ...zooEntry('pretrained').check,
      surrogate: { usable: true, residualAdds: 6, weights: 1000 }
    }
  }

  it('turns an ONNX model checked with "use as surrogate" into a surrogates entry of a valid spec, kept by a round trip', () => {
    expect(pickTarget(draft, 'surrogate', usable, true)).toBeNull()
    const spec = specFromDraft(draft)
    expect(spec.surrogates.at(-1)).toEqual({
      name: 'pretrained',
      format: 'onnx',
      path: usable.path,
      preprocessing: usable.preprocessing
    })
    expect(AuditSpec.safeParse(spec).success).toBe(true)
    expect(draftFromSpec(spec).importedSurrogates?.map((s) => s.name)).toEqual(['pretrained'])
  })

  it('refuses a model not checked as a surrogate, and one model as both surrogate and target', () => {
    expect(pickTarget(draft, 'surrogate', a, true)).toMatch(
      /"in-house-a" was not checked as a surrogate: import it again with "use as surrogate" ticked/
    )
    pickTarget(draft, 'surrogate', usable, true)
    expect(pickTarget(draft, 'test', usable, true)).toMatch(/already a surrogate of this audit/)
  })

  it('puts an l-SAM fine-tuned copy beside the imported surrogate, in a valid spec that keeps both', () => {
    expect(setFineTunedCopy(draft, usable, 'l-sam')).toBe(
      'tick "pretrained" as a surrogate first: the fine-tuned copy starts from its weights.'
    )
    pickTarget(draft, 'surrogate', usable, true)
    expect(setFineTunedCopy(draft, usable, 'l-sam')).toBeNull()
    expect(fineTunePresetOf(draft, usable)).toBe('l-sam')
    expect(isPicked(draft, 'surrogate', usable)).toBe(true)
    const spec = specFromDraft(draft)
    const parsed = AuditSpec.parse(spec)
    expect(
      parsed.surrogates
        .slice(-2)
        .map((s) => [s.name, 'fineTune' in s ? s.fineTune?.preset : undefined])
    ).toEqual([
      ['pretrained', undefined],
      ['pretrained-l-sam', 'l-sam']
    ])
    expect(parsed.surrogates.at(-1)).toMatchObject({
      path: usable.path,
      fineTune: { preset: 'l-sam', batchNorm: 'update' }
    })
    expect(draftFromSpec(spec).importedSurrogates?.map((s) => s.name)).toEqual([
      'pretrained',
      'pretrained-l-sam'
    ])
    // Another preset replaces the copy; none removes it; unticking the surrogate removes both.
    setFineTunedCopy(draft, usable, 'sam')
    expect(draft.importedSurrogates?.map((s) => s.name)).toEqual(['pretrained', 'pretrained-sam'])
    setFineTunedCopy(draft, usable, '')
    expect(draft.importedSurrogates?.map((s) => s.name)).toEqual(['pretrained'])
    setFineTunedCopy(draft, usable, 'l-sam')
    pickTarget(draft, 'surrogate', usable, false)
    expect(draft.importedSurrogates).toBeUndefined()
  })

  it('refuses a fine-tuned copy whose name a model of the audit already has', () => {
    draft.targets[0].name = 'pretrained-sgd'
    pickTarget(draft, 'surrogate', usable, true)
    expect(setFineTunedCopy(draft, usable, 'sgd')).toBe(
      'the audit already has a model named "pretrained-sgd": rename that model first.'
    )
    expect(fineTunePresetOf(draft, usable)).toBe('')
  })
})
