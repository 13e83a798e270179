// @vitest-environment jsdom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ModelResult } from '@contract/run-record'
import RunModelsTable from '../../../../../../renderer/src/components/run/RunModelsTable.vue'
import { useTargetZooStore } from '../../../../../../renderer/src/stores/target-zoo'
import TargetZooView from '../../../../../../renderer/src/views/TargetZooView.vue'
import { installFakeApiWithDemo, loadDemoSpec } from '../../../demo-spec-fixture'
import type { FakeApi } from '../../../fake-api'
import { checkResult, installFakeZoo } from '../../../zoo-fixture'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

const model = (name: string, role: ModelResult['role'], arch = 'small-cnn'): ModelResult => ({
  name,
  role,
  arch,
  params: 1234,
  accuracy: 0.8,
  hash: 'abcdef0123456789',
  epochs: [],
  trainSeconds: 3
})
const MODELS = [
  model('sur', 'surrogate'),
  model('tgt', 'target', 'small-resnet'),
  model('inhouse', 'target', 'onnx')
]
const RUN = '20250314-101502-demo'

let fake: FakeApi
beforeEach(() => {
  fake = installFakeApiWithDemo(loadDemoSpec())
})

describe('RunModelsTable: Add to zoo', () => {
  it('offers it for trained targets and surrogates of a completed run only', () => {
    const wrapper = mount(RunModelsTable, { props: { models: MODELS, runId: RUN } })
    expect(wrapper.find('[data-testid="zoo-add-sur"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="zoo-add-tgt"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="zoo-add-inhouse"]').exists()).toBe(false)
    // No run id (the run did not complete): no action at all.
    expect(
      mount(RunModelsTable, { props: { models: MODELS } })
        .find('[data-testid="zoo-add-sur"]')
        .exists()
    ).toBe(false)
  })

  it('adds under the chosen name and shows the accuracy; the zoo then lists it as trained in Flatline with its run', async () => {
    const { addTrained } = installFakeZoo(fake, () =>
      checkResult({
        detected: {
          modelFormat: 'flatline',
          inputShape: [28, 28, 1],
          layout: 'NHWC',
          layoutDetected: true,
          outputs: 10
        }
      })
    )
    const wrapper = mount(RunModelsTable, { props: { models: MODELS, runId: RUN } })
    await wrapper.get('[data-testid="zoo-add-tgt"]').trigger('click')
    expect((wrapper.get('[data-testid="zoo-name-tgt"]').element as HTMLInputElement).value).toBe(
      'tgt'
    )
    await wrapper.get('[data-testid="zoo-name-tgt"]').setValue('resnet-ours')
    await wrapper.get('[data-testid="zoo-confirm-tgt"]').trigger('submit')
    await flushPromises()
    expect(addTrained).toHaveBeenCalledWith({
      runId: RUN,
      model: 'tgt',
      name: 'resnet-ours',
      acceptCheck: false
    })
    expect(wrapper.get('[data-testid="zoo-added-tgt"]').text()).toContain(
      'added to the zoo as "resnet-ours": 52.4 % (262/500)'
    )

    useTargetZooStore().openView()
    const view = mount(TargetZooView)
    await flushPromises()
    expect(view.get('[data-testid="zoo-train-hint"]').text()).toContain(
      'Train a target: New audit → targets, then Add to zoo from its run page'
    )
    const row = view.get('[data-testid="zoo-target-resnet-ours"]').text()
    expect(row).toContain('trained in Flatline')
    expect(row).toContain(`run ${RUN} · tgt`)
  })

  it('shows a refusal, and near chance offers "Add anyway"', async () => {
    const warning = {
      likelyCause: 'unknown' as const,
      message: 'near chance: a model trained in Flatline is under-trained.'
    }
    const { addTrained } = installFakeZoo(fake, () =>
      checkResult({ accuracy: 0.09, correct: 45, nearChance: true, warning })
    )
    const wrapper = mount(RunModelsTable, { props: { models: MODELS, runId: RUN } })
    await wrapper.get('[data-testid="zoo-add-sur"]').trigger('click')
    await wrapper.get('[data-testid="zoo-confirm-sur"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="zoo-error-sur"]').text()).toMatch(/near chance/)
    await wrapper.get('[data-testid="zoo-accept-sur"]').trigger('click')
    await flushPromises()
    expect(addTrained).toHaveBeenLastCalledWith({
      runId: RUN,
      model: 'sur',
      name: 'sur',
      acceptCheck: true
    })
    expect(wrapper.get('[data-testid="zoo-added-sur"]').text()).toContain('9.0 % (45/500)')
    expect(wrapper.find('[data-testid="zoo-error-sur"]').exists()).toBe(false)
    // The name is now taken: a second add of another model under it is refused with the service's message.
    await wrapper.get('[data-testid="zoo-add-tgt"]').trigger('click')
    await wrapper.get('[data-testid="zoo-name-tgt"]').setValue('sur')
    await wrapper.get('[data-testid="zoo-confirm-tgt"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="zoo-error-tgt"]').text()).toContain(
      'the zoo already has a target named "sur"'
    )
    expect(wrapper.find('[data-testid="zoo-accept-tgt"]').exists()).toBe(false)
  })
})
