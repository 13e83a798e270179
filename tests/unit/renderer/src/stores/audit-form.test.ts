// @vitest-environment jsdom
import { AuditSpec } from '@contract/audit-spec'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  assignField,
  presetOf,
  useAuditFormStore
} from '../../../../../renderer/src/stores/audit-form'
import { useJobStore } from '../../../../../renderer/src/stores/job'
import { installFakeApiWithDemo, loadDemoSpec, openDemoForm } from '../../demo-spec-fixture'
import type { FakeApi } from '../../fake-api'

const demo = loadDemoSpec()

let fake: FakeApi

beforeEach(() => {
  fake = installFakeApiWithDemo(demo)
})

const openForm = openDemoForm

describe('useAuditFormStore', () => {
  it('builds a spec AuditSpec accepts from the demo defaults, equal to the demo once parsed', async () => {
    const { form } = await openForm()
    expect(form.valid).toBe(true)
    expect(form.errors).toEqual({})
    const parsed = AuditSpec.parse(form.spec)
    expect(parsed).toEqual(AuditSpec.parse(demo))
    // The demo leaves the step size to the ε/10 rule, so the form does too.
    expect(form.spec?.attack?.stepSize).toBeUndefined()
    expect(form.spec?.attack?.stack).toEqual({})
  })

  it('stores ε typed in /255 units as a fraction under L∞, and as is under L2', async () => {
    const { form, draft } = await openForm()
    expect(form.epsInput).toBe(16)
    form.epsInput = 8
    expect(draft.attack.eps).toBe(8 / 255)
    expect(form.spec?.attack?.eps).toBe(8 / 255)
    expect(form.stepSizeInput).toBeCloseTo(0.8, 10)
    form.setNorm('l2')
    form.epsInput = 0.5
    expect(draft.attack.eps).toBe(0.5)
  })

  it('keeps an explicit step size once the ε/10 rule is turned off', async () => {
    const { form } = await openForm()
    form.setAutoStepSize(false)
    form.stepSizeInput = 2
    expect(form.spec?.attack?.stepSize).toBe(2 / 255)
  })

  it('prices the stack live: SI (5 copies) makes an iteration cost 5 passes, RAP adds from its late start', async () => {
    const { form, draft } = await openForm()
    expect(form.costPerIteration).toBe(1)
    draft.enabled.si = true
    expect(form.costPerIteration).toBe(5)
    expect(form.spec?.attack?.stack).toEqual({ si: { copies: 5 } })
    draft.enabled.rap = true
    expect(form.costPerIteration).toBe(5)
    expect(form.costAfterLateStart).toBe(10)
    expect(form.totalCost).toBe(5 * 50 + 5 * 40)
  })

  it('fills each technique with its paper defaults when ticked', async () => {
    const { form, draft } = await openForm()
    draft.enabled.mi = true
    draft.enabled.di = true
    expect(form.spec?.attack?.stack).toEqual({
      di: { resizeRate: 0.85, prob: 0.8 },
      mi: { mu: 1.2 }
    })
  })

  it('names the field of an invalid value and blocks start', async () => {
    const { form, draft } = await openForm()
    form.epsInput = 0
    expect(form.errorAt('attack.eps')).toBe(
      'ε must be more than 0 and at most 255, in /255 (16 means 16/255)'
    )
    draft.surrogates[0].name = ''
    expect(form.errorAt('surrogates.0.name')).toBeDefined()
    expect(form.valid).toBe(false)
    await form.start()
    expect(fake.calls.start).not.toHaveBeenCalled()
  })

  // The contract speaks fractions of the pixel range ("eps must be in (0, 1]"); the form's fields take /255 under L∞.
  it.each<
    [
      string,
      (
        form: ReturnType<typeof useAuditFormStore>,
        draft: Awaited<ReturnType<typeof openForm>>['draft']
      ) => void,
      string,
      string
    ]
  >([
    [
      'ε above 255/255',
      (form) => (form.epsInput = 300),
      'attack.eps',
      'ε must be more than 0 and at most 255, in /255 (16 means 16/255)'
    ],
    [
      'ε of 0',
      (form) => (form.epsInput = 0),
      'attack.eps',
      'ε must be more than 0 and at most 255, in /255 (16 means 16/255)'
    ],
    [
      'a step size above 255/255',
      (form, draft) => {
        draft.attack.stepSizeAuto = false
        form.stepSizeInput = 300
      },
      'attack.stepSize',
      'step size must be more than 0 and at most 255, in /255 like ε (1.6 means 1.6/255)'
    ],
    [
      'an L2 ε of 0 (typed as is, in [0,1] pixel units)',
      (form) => {
        form.setNorm('l2')
        form.epsInput = 0
      },
      'attack.eps',
      'ε must be more than 0: an L2 radius in [0,1] pixel units, e.g. 0.5'
    ],
    [
      "an adversarial-training ε above 255/255 (the Harden step's /255 field)",
      (_, draft) =>
        (draft.harden = { target: 'target-cnn', adversarialTraining: { eps: 300 / 255 } }),
      'harden.adversarialTraining.eps',
      'ε must be more than 0 and at most 255, in /255 (8 means 8/255)'
    ],
    ['a cleared ε', (form) => (form.epsInput = NaN), 'attack.eps', 'enter a number']
  ])('speaks the units the field is typed in: %s', async (_, edit, path, message) => {
    const { form, draft } = await openForm()
    edit(form, draft)
    expect(form.errorAt(path)).toBe(message)
    expect(form.valid).toBe(false)
  })

  it('flags GN ticked while every surrogate lacks skip connections, and accepts it on a ResNet surrogate', async () => {
    const { form, draft } = await openForm()
    expect(form.skipsAvailable).toBe(false)
    draft.enabled.gn = true
    expect(form.errorAt('attack.stack.gn')).toMatch(/skip connections/)
    expect(form.valid).toBe(false)
    draft.surrogates[0].arch = 'small-resnet'
    expect(form.skipsAvailable).toBe(true)
    expect(form.valid).toBe(true)
    expect(form.spec?.attack?.stack).toEqual({ gn: { range: 0.22 } })
  })

  it('applies a training preset with its defaults and recognises it back', async () => {
    const { form, draft } = await openForm()
    expect(presetOf(draft.surrogates[0].recipe.minimizer)).toBe('sgd')
    form.applyPreset(0, 'l-looksam')
    expect(draft.surrogates[0].recipe.minimizer).toEqual({
      id: 'looksam',
      rho: 0.3,
      k: 5,
      alpha: 0.7,
      warmupEpochs: 3,
      projection: 'global'
    })
    expect(presetOf(draft.surrogates[0].recipe.minimizer)).toBe('l-looksam')
    assignField(draft.surrogates[0].recipe.minimizer, 'rho', 0.2)
    expect(presetOf(draft.surrogates[0].recipe.minimizer)).toBeNull()
    expect(form.valid).toBe(true)
  })

  it('adds models under fresh names and reports a list emptied of surrogates', async () => {
    const { form, draft } = await openForm()
    form.addModel('targets')
    expect(draft.targets.map((m) => m.name)).toEqual(['target-cnn', 'target-resnet', 'target-3'])
    expect(form.valid).toBe(true)
    form.removeModel('surrogates', 0)
    expect(form.errorAt('surrogates')).toBe('an audit needs at least one surrogate')
  })

  it('starts the built spec through the job store and leaves the form', async () => {
    const { form, draft } = await openForm()
    draft.name = 'my audit'
    draft.enabled.si = true
    const sent = form.spec
    await form.start()
    expect(fake.calls.start).toHaveBeenCalledTimes(1)
    expect(fake.calls.start).toHaveBeenCalledWith(sent)
    expect(AuditSpec.parse(fake.calls.start.mock.calls[0][0]).attack.stack).toEqual({
      si: { copies: 5 }
    })
    expect(form.open).toBe(false)
    expect(useJobStore().job?.jobId).toBe('job-1')
  })

  it('keeps an LGV stack with member folders from the loaded spec', async () => {
    const lgv = {
      sources: [{ surrogate: 'surrogate-cnn', dirs: ['/tmp/lgv/m1', '/tmp/lgv/m2'] }],
      nGrad: 2
    }
    fake.api.audit.demoSpec = async () => ({
      ...demo,
      attack: { ...demo.attack, stack: { lgv, si: { copies: 3 } } }
    })
    const { form, draft } = await openForm()
    expect(draft.enabled.lgv).toBe(true)
    expect(form.spec?.attack?.stack).toEqual({ lgv, si: { copies: 3 } })
    expect(form.costPerIteration).toBe(6)
  })

  it('reports a cleared number field as not a number, under its path', async () => {
    const { form, draft } = await openForm()
    draft.targets[0].width = NaN
    expect(form.errorAt('targets.0.width')).toBe('enter a number')
    expect(form.valid).toBe(false)
  })

  it('shows why the form could not load when the demo spec is unavailable', async () => {
    fake.api.audit.demoSpec = async () => {
      throw new Error('socket closed')
    }
    const form = useAuditFormStore()
    await form.openForm()
    expect(form.draft).toBeNull()
    expect(form.loadError).toMatch(/Could not load the demo spec.*socket closed/)
  })
})
