// @vitest-environment jsdom
import { AuditSpec, ImportedTargetSpec } from '@contract/audit-spec'
import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import AuditFormHarden from '../../../../../../renderer/src/components/audit-form/AuditFormHarden.vue'
import { useAuditFormStore } from '../../../../../../renderer/src/stores/audit-form'
import { useHardenFormStore } from '../../../../../../renderer/src/stores/harden-form'
import e2eSpec from '../../../../../fixtures/e2e-audit.json'
import { fixtureRun } from '../../../../helpers/harden-fixture'
import { installFakeApiWithDemo, loadDemoSpec, openDemoForm } from '../../../demo-spec-fixture'

beforeEach(() => {
  installFakeApiWithDemo(loadDemoSpec())
})
enableAutoUnmount(afterEach)

async function mountCard(): Promise<VueWrapper> {
  await openDemoForm()
  const wrapper = mount(AuditFormHarden)
  await flushPromises()
  return wrapper
}

describe('the Harden card of the New audit form', () => {
  it('adds a Harden step on the first trained target with the default recipes, and a valid spec', async () => {
    const wrapper = await mountCard()
    expect(wrapper.find('[data-testid="harden-target"]').exists()).toBe(false)
    await wrapper.get('[data-testid="harden-enabled"]').setValue(true)
    const form = useAuditFormStore()
    const spec = AuditSpec.parse(form.spec)
    expect(spec.harden?.target).toBe('target-cnn')
    expect(spec.harden?.recipes).toEqual(['sgd', 'sam-0.05', 'sam-0.1', 'pgd-at', 'sam-at'])
    expect(form.valid).toBe(true)
    expect(
      (wrapper.get('[data-testid="harden-recipe-sgd"]').element as HTMLInputElement).disabled
    ).toBe(true)
    await wrapper.get('[data-testid="harden-recipe-awp"]').setValue(true)
    expect(AuditSpec.parse(form.spec).harden?.recipes).toContain('awp')
    await wrapper.get('[data-testid="harden-measurement"]').setValue('quick')
    expect(AuditSpec.parse(form.spec).harden?.flatness).toMatchObject({
      examples: 200,
      average: { samples: 3 },
      worst: { restarts: 3 }
    })
    await wrapper.get('[data-testid="harden-measurement"]').setValue('paper')
    expect(AuditSpec.parse(form.spec).harden?.flatness.examples).toBe(1000)
  })

  it('warns, without blocking, when adversarial training uses a larger ε than the audit', async () => {
    const wrapper = await mountCard()
    await wrapper.get('[data-testid="harden-enabled"]').setValue(true)
    await wrapper.get('[data-testid="harden-at-eps"]').setValue('32')
    expect(wrapper.get('[data-testid="harden-warning"]').text()).toContain(
      "is larger than the audit's ε 0.0627 (16/255)"
    )
    expect(useAuditFormStore().valid).toBe(true)
  })

  it("says an ε typed after unticking every adversarial recipe changes nothing (the e2e's steps on a run's spec)", async () => {
    const run = fixtureRun()
    run.spec = AuditSpec.parse(e2eSpec)
    useHardenFormStore().hardenRun(run)
    const wrapper = mount(AuditFormHarden)
    await flushPromises()
    for (const id of ['sam-0.1', 'pgd-at', 'sam-at'])
      await wrapper.get(`[data-testid="harden-recipe-${id}"]`).setValue(false)
    await wrapper.get('[data-testid="harden-measurement"]').setValue('quick')
    await wrapper.get('[data-testid="harden-at-eps"]').setValue('32')
    const warning = wrapper.get('[data-testid="harden-warning"]').text()
    expect(warning).toContain(
      "larger than the audit's ε 0.0627 (16/255)) but no chosen recipe trains adversarially"
    )
    await wrapper.get('[data-testid="harden-recipe-pgd-at"]').setValue(true)
    expect(wrapper.get('[data-testid="harden-warning"]').text()).toContain(
      'the stand-ins train against perturbations stronger'
    )
    expect(useAuditFormStore().valid).toBe(true)
  })

  it('shows the problems of the block that no field shows, and why warnings are not checked while the spec does not parse', async () => {
    const wrapper = await mountCard()
    await wrapper.get('[data-testid="harden-enabled"]').setValue(true)
    await wrapper.get('[data-testid="harden-at-eps"]').setValue('32')
    const form = useAuditFormStore()
    form.draft!.harden!.width = 8 // a loaded spec's stand-in width on a target: no field of the card holds it
    await flushPromises()
    expect(wrapper.get('[data-testid="harden-problem"]').text()).toContain(
      'harden.width: width and seed apply to "arch" stand-ins only'
    )
    expect(wrapper.find('[data-testid="harden-warning"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="harden-unchecked"]').text()).toContain(
      'Warnings are checked once the spec is valid; first fix harden.width'
    )
    delete form.draft!.harden!.width
    form.draft!.attack.steps = NaN // a problem elsewhere in the form
    await flushPromises()
    expect(wrapper.find('[data-testid="harden-problem"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="harden-unchecked"]').text()).toContain(
      'first fix attack.steps: enter a number'
    )
    form.draft!.attack.steps = 10
    await flushPromises()
    expect(wrapper.find('[data-testid="harden-unchecked"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="harden-warning"]').text()).toContain(
      "larger than the audit's ε"
    )
  })

  it('refuses an ONNX target (no training graph) and offers stand-ins of an architecture', async () => {
    const { draft } = await openDemoForm()
    draft.importedTargets = [
      ImportedTargetSpec.parse({ name: 'in-house', format: 'onnx', path: 'model.onnx' })
    ]
    const wrapper = mount(AuditFormHarden)
    await wrapper.get('[data-testid="harden-enabled"]').setValue(true)
    await wrapper.get('[data-testid="harden-target"]').setValue('in-house')
    expect(wrapper.get('[data-testid="error-harden.target"]').text()).toContain(
      'cannot harden "in-house" directly: it is an imported ONNX model'
    )
    expect(useAuditFormStore().valid).toBe(false)
    await wrapper.get('[data-testid="harden-use-stand-ins"]').trigger('click')
    const spec = AuditSpec.parse(useAuditFormStore().spec)
    expect(spec.harden).toMatchObject({ arch: 'small-cnn' })
    expect(spec.harden?.target).toBeUndefined()
    expect(wrapper.find('[data-testid="harden-offer-stand-ins"]').exists()).toBe(false)
  })
})
