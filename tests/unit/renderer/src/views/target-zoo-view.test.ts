// @vitest-environment jsdom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useTargetZooStore } from '../../../../../renderer/src/stores/target-zoo'
import TargetZooView from '../../../../../renderer/src/views/TargetZooView.vue'
import { installFakeApiWithDemo, loadDemoSpec } from '../../demo-spec-fixture'
import type { FakeApi } from '../../fake-api'
import { checkResult, installFakeZoo, zooEntry } from '../../zoo-fixture'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

let fake: FakeApi
beforeEach(() => {
  fake = installFakeApiWithDemo(loadDemoSpec())
})

async function mountView() {
  useTargetZooStore().openView()
  const wrapper = mount(TargetZooView)
  await flushPromises()
  return wrapper
}

const nearChance = checkResult({
  accuracy: 0.098,
  correct: 49,
  nearChance: true,
  warning: {
    likelyCause: 'layout',
    message:
      'accuracy 9.8 % (49/500) is near chance (10.0 %); with layout NCHW it is 91.2 % (456/500) against 9.8 % (49/500) as declared: the model probably expects NCHW.',
    fix: { layout: 'NCHW' }
  }
})

describe('TargetZooView', () => {
  it('lists zoo targets with format, accuracy and its denominator, hash prefix and sets', async () => {
    installFakeZoo(fake, () => checkResult(), [zooEntry('cnn')])
    await fake.api.zoo.saveSets([
      { name: 'test targets', targetIds: ['cnn'] },
      { name: 'validation targets', targetIds: [] }
    ])
    const row = (await mountView()).get('[data-testid="zoo-target-cnn"]').text()
    expect(row).toContain('onnx')
    expect(row).toContain('52.4 % (262/500)')
    expect(row).toContain('abababababab')
    expect(row).toContain('test targets')
  })

  it('checks, shows the warning with its likely cause, and adds a near-chance model only after "accept anyway"', async () => {
    const zoo = installFakeZoo(fake, (request) =>
      request.preprocessing?.layout === 'NHWC' ? nearChance : checkResult()
    )
    const wrapper = await mountView()
    await wrapper.get('[data-testid="zoo-path"]').setValue('/models/m.onnx')
    await wrapper.get('[data-testid="zoo-layout"]').setValue('NHWC')
    await wrapper.get('[data-testid="zoo-name"]').setValue('in-house')
    await wrapper.get('[data-testid="zoo-check"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="zoo-check-accuracy"]').text()).toBe('9.8 %')
    expect(wrapper.get('[data-testid="zoo-check-result"]').text()).toContain(
      '(49/500 test images; chance 10.0 %)'
    )
    expect(wrapper.get('[data-testid="zoo-warning"]').text()).toMatch(
      /Likely cause: wrong layout \(NCHW\/NHWC\)\..*the model probably expects NCHW/
    )
    const addButton = () => wrapper.get('[data-testid="zoo-add"]').element as HTMLButtonElement
    expect(addButton().disabled).toBe(true)
    await wrapper.get('[data-testid="zoo-accept"]').setValue(true)
    expect(addButton().disabled).toBe(false)
    // Taking the fix instead: the result goes stale, a new check is clean.
    await wrapper.get('[data-testid="zoo-apply-fix"]').trigger('click')
    expect(addButton().disabled).toBe(true)
    await wrapper.get('[data-testid="zoo-check"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="zoo-warning"]').exists()).toBe(false)
    await wrapper.get('[data-testid="zoo-add"]').trigger('click')
    await flushPromises()
    expect(zoo.add).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'in-house',
        preprocessing: expect.objectContaining({ layout: 'NCHW' })
      })
    )
    expect(wrapper.get('[data-testid="zoo-added"]').text()).toContain('in-house')
    expect(wrapper.find('[data-testid="zoo-target-in-house"]').exists()).toBe(true)
  })

  it('warns above chance when another preprocessing is clearly better, lists what was tried, and asks for "accept anyway"', async () => {
    const missingNorm = checkResult({
      accuracy: 0.37,
      correct: 185,
      warning: {
        likelyCause: 'normalisation',
        message:
          "with the dataset's mean [0.286] / std [0.353] it is 90.8 % (454/500) against 37.0 % (185/500) as declared: the model probably expects inputs normalised with the dataset's mean [0.286] / std [0.353].",
        fix: { range: [0, 1], mean: [0.286], std: [0.353] },
        fixedAccuracy: 0.908,
        fixedCorrect: 454
      },
      candidates: [
        {
          change: "the dataset's mean [0.286] / std [0.353]",
          likelyCause: 'normalisation',
          fix: { range: [0, 1], mean: [0.286], std: [0.353] },
          accuracy: 0.908,
          correct: 454
        },
        {
          change: 'range [-1, 1]',
          likelyCause: 'range',
          fix: { range: [-1, 1] },
          accuracy: 0.64,
          correct: 320
        }
      ]
    })
    const zoo = installFakeZoo(fake, (request) =>
      request.preprocessing?.mean ? checkResult() : missingNorm
    )
    const wrapper = await mountView()
    await wrapper.get('[data-testid="zoo-path"]').setValue('/models/m.onnx')
    await wrapper.get('[data-testid="zoo-name"]').setValue('cnn')
    await wrapper.get('[data-testid="zoo-check"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="zoo-warning"]').text()).toContain(
      '90.8 % (454/500) against 37.0 % (185/500) as declared'
    )
    expect(wrapper.get('[data-testid="zoo-candidates"]').text()).toContain(
      'with range [-1, 1]: 64.0 % (320/500)'
    )
    const addButton = () => wrapper.get('[data-testid="zoo-add"]').element as HTMLButtonElement
    expect(addButton().disabled).toBe(true)
    expect(wrapper.get('label:has([data-testid="zoo-accept"])').text()).toContain(
      'although another one scores better'
    )
    await wrapper.get('[data-testid="zoo-apply-fix"]').trigger('click')
    await wrapper.get('[data-testid="zoo-check"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="zoo-warning"]').exists()).toBe(false)
    await wrapper.get('[data-testid="zoo-add"]').trigger('click')
    await flushPromises()
    expect(zoo.add).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'cnn',
        acceptCheck: false,
        preprocessing: expect.objectContaining({ mean: [0.286], std: [0.353] })
      })
    )
  })

  it('shows the engine message of a bad file', async () => {
    installFakeZoo(fake, () => {
      throw new Error(
        '/models/m.onnx: the model outputs 7 class scores but the dataset has 10 classes'
      )
    })
    const wrapper = await mountView()
    await wrapper.get('[data-testid="zoo-path"]').setValue('/models/m.onnx')
    await wrapper.get('[data-testid="zoo-check"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="zoo-check-error"]').text()).toContain(
      'outputs 7 class scores'
    )
  })

  it('refuses, with a visible message, a target ticked in both the test and the validation set', async () => {
    const zoo = installFakeZoo(fake, () => checkResult(), [zooEntry('cnn')])
    const wrapper = await mountView()
    await wrapper.get('[data-testid="set-test targets-cnn"]').setValue(true)
    await wrapper.get('[data-testid="set-validation targets-cnn"]').setValue(true)
    expect(wrapper.get('[data-testid="set-conflict"]').text()).toContain(
      'cnn cannot be both a test and a validation target'
    )
    expect((wrapper.get('[data-testid="save-sets"]').element as HTMLButtonElement).disabled).toBe(
      true
    )
    await wrapper.get('[data-testid="set-validation targets-cnn"]').setValue(false)
    await wrapper.get('[data-testid="save-sets"]').trigger('click')
    await flushPromises()
    expect(zoo.saveSets).toHaveBeenCalledTimes(1)
    expect(zoo.state.sets[0]).toEqual({ name: 'test targets', targetIds: ['cnn'] })
  })
})
