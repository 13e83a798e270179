// @vitest-environment jsdom
import { AuditSpec } from '@contract/audit-spec'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import AuditFormZooTargets from '../../../../../../renderer/src/components/audit-form/AuditFormZooTargets.vue'
import { useAuditFormStore } from '../../../../../../renderer/src/stores/audit-form'
import { installFakeApiWithDemo, loadDemoSpec } from '../../../demo-spec-fixture'
import type { FakeApi } from '../../../fake-api'
import { checkResult, installFakeZoo, zooEntry } from '../../../zoo-fixture'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

let fake: FakeApi
beforeEach(async () => {
  fake = installFakeApiWithDemo(loadDemoSpec())
  const zoo = installFakeZoo(fake, () => checkResult(), [
    zooEntry('in-house-a'),
    zooEntry('in-house-b')
  ])
  zoo.state.sets = [
    { name: 'test targets', targetIds: ['in-house-a', 'in-house-b'] },
    { name: 'validation targets', targetIds: [] }
  ]
  await useAuditFormStore().openForm()
})

describe('AuditFormZooTargets', () => {
  it('uses a zoo set as the imported test targets of a valid spec', async () => {
    const wrapper = mount(AuditFormZooTargets)
    await flushPromises()
    expect(wrapper.find('[data-testid="pick-validation-in-house-a"]').exists()).toBe(false)
    await wrapper.get('[data-testid="use-set-test-test targets"]').trigger('click')
    const form = useAuditFormStore()
    expect(form.spec?.importedTargets?.map((t) => t.path)).toEqual([
      '/ws/zoo/targets/in-house-a/model.onnx',
      '/ws/zoo/targets/in-house-b/model.onnx'
    ])
    expect(AuditSpec.safeParse(form.spec).success).toBe(true)
    expect(
      (wrapper.get('[data-testid="pick-test-in-house-b"]').element as HTMLInputElement).checked
    ).toBe(true)
  })

  it('refuses, with a visible message, a test target ticked as a validation target', async () => {
    const form = useAuditFormStore()
    form.setEarlyStopping(0, true)
    const wrapper = mount(AuditFormZooTargets)
    await flushPromises()
    await wrapper.get('[data-testid="pick-test-in-house-a"]').setValue(true)
    await wrapper.get('[data-testid="pick-validation-in-house-a"]').setValue(true)
    expect(wrapper.get('[data-testid="zoo-pick-refusal"]').text()).toContain(
      '"in-house-a" is already a test target of this audit'
    )
    expect(
      (wrapper.get('[data-testid="pick-validation-in-house-a"]').element as HTMLInputElement)
        .checked
    ).toBe(false)
    await wrapper.get('[data-testid="pick-validation-in-house-b"]').setValue(true)
    expect(form.spec?.validation?.importedTargets?.map((t) => t.name)).toEqual(['in-house-b'])
    expect(form.spec?.importedTargets?.map((t) => t.name)).toEqual(['in-house-a'])
  })

  it('picks a model checked as a surrogate, and its l-SAM fine-tuned copy beside it', async () => {
    const pretrained = zooEntry('pretrained')
    pretrained.check = {
      ...pretrained.check,
      surrogate: { usable: true, residualAdds: 4, weights: 1000 }
    }
    installFakeZoo(fake, () => checkResult(), [zooEntry('in-house-a'), pretrained])
    const wrapper = mount(AuditFormZooTargets)
    await flushPromises()
    // Only the model checked as a surrogate gets the surrogate tick and the fine-tuning choice.
    expect(wrapper.find('[data-testid="pick-surrogate-in-house-a"]').exists()).toBe(false)
    const select = wrapper.get('[data-testid="fine-tune-pretrained"]')
    expect((select.element as HTMLSelectElement).disabled).toBe(true)
    await wrapper.get('[data-testid="pick-surrogate-pretrained"]').setValue(true)
    expect((select.element as HTMLSelectElement).disabled).toBe(false)
    await select.setValue('l-sam')
    const form = useAuditFormStore()
    expect(form.spec?.surrogates.slice(-2).map((s) => (s as { name: string }).name)).toEqual([
      'pretrained',
      'pretrained-l-sam'
    ])
    expect(AuditSpec.safeParse(form.spec).success).toBe(true)
    await wrapper.get('[data-testid="pick-surrogate-pretrained"]').setValue(false)
    expect(
      form.spec?.surrogates.some((s) => (s as { name: string }).name.startsWith('pretrained'))
    ).toBe(false)
  })
})
