// @vitest-environment jsdom
import { AuditSpec } from '@contract/audit-spec'
import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useAuditFormStore } from '../../../../../renderer/src/stores/audit-form'
import NewAuditView from '../../../../../renderer/src/views/NewAuditView.vue'
import { installFakeApiWithDemo, loadDemoSpec } from '../../demo-spec-fixture'
import type { FakeApi } from '../../fake-api'

const demo = loadDemoSpec()

let fake: FakeApi

beforeEach(() => {
  fake = installFakeApiWithDemo(demo)
})
// A view left mounted re-renders on its timers (the time estimate's debounce) and, through its
// stores, makes its own test's Pinia the active one again: a later test would read a stale store.
enableAutoUnmount(afterEach)

async function mountForm(): Promise<VueWrapper> {
  await useAuditFormStore().openForm()
  const wrapper = mount(NewAuditView)
  await flushPromises()
  return wrapper
}

function startButton(wrapper: VueWrapper): HTMLButtonElement {
  return wrapper.get('[data-testid="start-audit"]').element as HTMLButtonElement
}

describe('NewAuditView', () => {
  it('shows the demo spec as a valid form with ε in /255 units and Start enabled', async () => {
    const wrapper = await mountForm()
    expect(
      (wrapper.get('[data-testid="field-attack.eps"]').element as HTMLInputElement).value
    ).toBe('16')
    expect(
      (wrapper.get('[data-testid="field-surrogates.0.name"]').element as HTMLInputElement).value
    ).toBe('surrogate-cnn')
    expect(startButton(wrapper).disabled).toBe(false)
    expect(wrapper.find('[data-testid="form-problems"]').exists()).toBe(false)
  })

  it('shows the error next to ε when it is 0 and disables Start', async () => {
    const wrapper = await mountForm()
    await wrapper.get('[data-testid="field-attack.eps"]').setValue('0')
    expect(wrapper.get('[data-testid="error-attack.eps"]').text()).toBe(
      'ε must be more than 0 and at most 255, in /255 (16 means 16/255)'
    )
    expect(startButton(wrapper).disabled).toBe(true)
    expect(wrapper.get('[data-testid="form-problems"]').text()).toContain('attack.eps')
    await wrapper.get('[data-testid="field-attack.eps"]').setValue('4')
    expect(wrapper.find('[data-testid="error-attack.eps"]').exists()).toBe(false)
    expect(startButton(wrapper).disabled).toBe(false)
  })

  it('shows the error next to an emptied model name and disables Start', async () => {
    const wrapper = await mountForm()
    await wrapper.get('[data-testid="field-targets.1.name"]').setValue('')
    expect(wrapper.get('[data-testid="error-targets.1.name"]').text()).toMatch(/letters, digits/)
    expect(startButton(wrapper).disabled).toBe(true)
  })

  it('disables GN and SGM with the reason while every surrogate is a small-cnn, enables them for a ResNet', async () => {
    const wrapper = await mountForm()
    expect((wrapper.get('[data-testid="tech-gn"]').element as HTMLInputElement).disabled).toBe(true)
    expect((wrapper.get('[data-testid="tech-sgm"]').element as HTMLInputElement).disabled).toBe(
      true
    )
    expect(wrapper.get('[data-testid="tech-gn-why"]').text()).toMatch(/skip connections/)
    expect((wrapper.get('[data-testid="tech-di"]').element as HTMLInputElement).disabled).toBe(
      false
    )
    await wrapper.get('[data-testid="field-surrogates.0.arch"]').setValue('small-resnet')
    expect((wrapper.get('[data-testid="tech-gn"]').element as HTMLInputElement).disabled).toBe(
      false
    )
    expect(wrapper.find('[data-testid="tech-gn-why"]').exists()).toBe(false)
  })

  it('updates the cost per iteration when SI is ticked and shows its paper default', async () => {
    const wrapper = await mountForm()
    expect(wrapper.get('[data-testid="cost-per-iteration"]').text()).toBe('1')
    await wrapper.get('[data-testid="tech-si"]').setValue(true)
    expect(wrapper.get('[data-testid="cost-per-iteration"]').text()).toBe('5')
    const copies = wrapper.get('[data-testid="field-attack.stack.si.copies"]')
    expect((copies.element as HTMLInputElement).value).toBe('5')
    await copies.setValue('3')
    expect(wrapper.get('[data-testid="cost-per-iteration"]').text()).toBe('3')
  })

  it('Start sends the built spec to api.audit.start', async () => {
    const wrapper = await mountForm()
    const form = useAuditFormStore()
    await wrapper.get('[data-testid="field-attack.eps"]').setValue('8')
    await wrapper.get('[data-testid="tech-mi"]').setValue(true)
    await wrapper.get('[data-testid="start-audit"]').trigger('click')
    await flushPromises()
    expect(fake.calls.start).toHaveBeenCalledTimes(1)
    const sent = AuditSpec.parse(fake.calls.start.mock.calls[0][0])
    expect(sent.attack.eps).toBe(8 / 255)
    expect(sent.attack.stack).toEqual({ mi: { mu: 1.2 } })
    expect(sent.surrogates.map((m) => m.name)).toEqual(['surrogate-cnn'])
    expect(form.open).toBe(false)
  })
})
