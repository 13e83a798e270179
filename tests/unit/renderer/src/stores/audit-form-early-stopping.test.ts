// @vitest-environment jsdom
import { AuditSpec, type ModelSpec } from '@contract/audit-spec'
import { beforeEach, describe, expect, it } from 'vitest'
import { presetOf } from '../../../../../renderer/src/stores/audit-form'
import { installFakeApiWithDemo, loadDemoSpec, openDemoForm } from '../../demo-spec-fixture'

const demo = loadDemoSpec()

beforeEach(() => {
  installFakeApiWithDemo(demo)
})

const openForm = openDemoForm

describe('audit form: early stopping and sharpness tracking', () => {
  it('adds a valid validation block with early stopping: 1,000 held-out images and a small-cnn validation target of its own seed', async () => {
    const { form, draft } = await openForm()
    form.setEarlyStopping(0, true)
    expect(form.errors).toEqual({})
    const spec = AuditSpec.parse(form.spec)
    expect((spec.surrogates[0] as ModelSpec).earlyStopping).toBe(true)
    expect(spec.dataset.validationSize).toBe(1000)
    expect(spec.validation?.examples).toBe(500)
    const [v] = spec.validation!.targets
    expect([v.arch, v.width]).toEqual(['small-cnn', 16])
    expect([...spec.surrogates, ...spec.targets].map((m) => (m as ModelSpec).seed)).not.toContain(
      v.seed
    )
    expect(v.recipe).toEqual(spec.targets[0].recipe)
    expect(draft.validation?.targets).toHaveLength(1)
  })

  it('removes the validation block and the held-out images with the last early-stopped surrogate', async () => {
    const { form } = await openForm()
    form.setEarlyStopping(0, true)
    form.setEarlyStopping(0, false)
    expect(form.spec).not.toHaveProperty('validation')
    expect(form.spec?.dataset?.validationSize).toBe(0)
    expect(form.spec?.surrogates[0]).not.toHaveProperty('earlyStopping')
    expect(form.valid).toBe(true)
  })

  it('shows the contract refusal when the validation target is made a copy of a test target', async () => {
    const { form, draft } = await openForm()
    form.setEarlyStopping(0, true)
    const t = draft.targets[0]
    Object.assign(draft.validation!.targets[0], { arch: t.arch, width: t.width, seed: t.seed })
    expect(form.errorAt('validation.targets')).toMatch(/is the same model as test target/)
    expect(form.valid).toBe(false)
  })

  it('tracks sharpness with the contract defaults and stops tracking cleanly', async () => {
    const { form } = await openForm()
    form.setTrackSharpness(0, true)
    expect((AuditSpec.parse(form.spec).surrogates[0] as ModelSpec).track).toEqual({
      sharpness: { examples: 1000, iterations: 20, hutchinsonSamples: 10 }
    })
    form.setTrackSharpness(0, false)
    expect(form.spec?.surrogates[0]).not.toHaveProperty('track')
  })

  it('offers early-stopped SGD as a preset that turns early stopping on, and plain SGD turns it off', async () => {
    const { form, draft } = await openForm()
    form.applyPreset(0, 'sgd-early-stopped')
    expect(draft.surrogates[0].earlyStopping).toBe(true)
    expect(presetOf(draft.surrogates[0].recipe.minimizer, true)).toBe('sgd-early-stopped')
    expect(form.valid).toBe(true)
    form.applyPreset(0, 'l-sam')
    // Another minimizer keeps the toggle: an early-stopped SAM surrogate shows the SAM preset.
    expect(draft.surrogates[0].earlyStopping).toBe(true)
    expect(presetOf(draft.surrogates[0].recipe.minimizer, true)).toBe('l-sam')
    form.applyPreset(0, 'sgd')
    expect(draft.surrogates[0].earlyStopping).toBeUndefined()
    expect(form.spec).not.toHaveProperty('validation')
  })

  it('round-trips a spec with validation through the draft', async () => {
    const { form } = await openForm()
    form.setEarlyStopping(0, true)
    form.draft!.validation!.examples = 200
    const again = AuditSpec.parse(form.spec)
    expect(again.validation?.examples).toBe(200)
  })
})
