// @vitest-environment jsdom
import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useAuditFormStore } from '../../../../../../renderer/src/stores/audit-form'
import { useTimeEstimateStore } from '../../../../../../renderer/src/stores/time-estimate'
import NewAuditView from '../../../../../../renderer/src/views/NewAuditView.vue'
import { installFakeApiWithDemo, loadDemoSpec } from '../../../demo-spec-fixture'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

const demo = loadDemoSpec()

beforeEach(() => {
  const fake = installFakeApiWithDemo(demo)
  fake.api.engine.measureThroughput = async () => ({
    trainImagesPerSecond: 600,
    gradientsPerSecond: 1500,
    seconds: 1,
    backend: 'fake backend'
  })
})

async function mountForm(): Promise<VueWrapper> {
  await useAuditFormStore().openForm()
  const wrapper = mount(NewAuditView)
  await flushPromises()
  return wrapper
}

async function measured(wrapper: VueWrapper): Promise<void> {
  await useTimeEstimateStore().measureNow()
  await flushPromises()
  await wrapper.vm.$nextTick()
}

describe('New audit form time estimates', () => {
  it('shows "measuring…", then each model\'s training time, each preset\'s time, the attack time and the total', async () => {
    const wrapper = await mountForm()
    expect(wrapper.get('[data-testid="time-surrogates.0"]').text()).toBe('measuring…')
    expect(wrapper.get('[data-testid="audit-time"]').text()).toMatch(/measuring/)
    await measured(wrapper)
    // 8 epochs × 4000 images ÷ 600 images/s = 53 s; l-SAM doubles it.
    expect(wrapper.get('[data-testid="time-surrogates.0"]').text()).toBe(
      '≈ 53 s of training on fake backend'
    )
    expect(wrapper.get('[data-testid="time-targets.1"]').text()).toBe(
      '≈ 53 s of training on fake backend'
    )
    const options = wrapper
      .get('[data-testid="field-surrogates.0.preset"]')
      .findAll('option')
      .map((o) => o.text())
    expect(options.find((o) => o.startsWith('l-SAM ρ 0.3'))).toMatch(/— 2× SGD, ≈ 1.8 min$/)
    // 500 examples × 50 steps ÷ 1500 gradients/s.
    expect(wrapper.get('[data-testid="attack-time"]').text()).toBe(
      '≈ 17 s to attack up to 500 examples'
    )
    expect(wrapper.get('[data-testid="audit-time"]').text()).toMatch(
      /on fake backend: ≈ 2.9 min \(training ≈ 2.7 min, attack ≈ 17 s;/
    )
    // The total sits on the Start button's line, not at the end of the form above it.
    const startLine = wrapper.get('[data-testid="start-line"]')
    expect(startLine.find('[data-testid="start-audit"]').exists()).toBe(true)
    expect(startLine.get('[data-testid="audit-time"]').text()).toMatch(/≈ 2.9 min/)
  })

  it('ticks LGV with collection from the trained surrogate, its hyper-parameters and its one-off cost in epochs', async () => {
    const wrapper = await mountForm()
    const lgv = wrapper.get('[data-testid="tech-lgv"]')
    expect((lgv.element as HTMLInputElement).disabled).toBe(false)
    await lgv.setValue(true)
    expect((wrapper.get('[data-testid="lgv-collect"]').element as HTMLInputElement).checked).toBe(
      true
    )
    expect(wrapper.get('[data-testid="cost-per-iteration"]').text()).toBe('1')
    await measured(wrapper)
    expect(wrapper.get('[data-testid="lgv-cost"]').text()).toMatch(
      /One-off: 10 epochs of SGD training per surrogate for 40 members \(≈ 67 s for surrogate-cnn\), before the attack; then 1 pass per iteration/
    )
    await wrapper.get('[data-testid="lgv-collect"]').setValue(false)
    expect(wrapper.get('[data-testid="error-attack.stack.lgv"]').text()).toMatch(
      /no member folders for surrogate "surrogate-cnn"/
    )
    expect(wrapper.find('[data-testid="lgv-cost"]').exists()).toBe(false)
  })
})
