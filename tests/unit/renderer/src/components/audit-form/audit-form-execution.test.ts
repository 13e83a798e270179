// @vitest-environment jsdom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import AuditFormExecution from '../../../../../../renderer/src/components/audit-form/AuditFormExecution.vue'
import { useAuditFormStore } from '../../../../../../renderer/src/stores/audit-form'
import { installFakeApiWithDemo, loadDemoSpec } from '../../../demo-spec-fixture'
import type { FakeApi } from '../../../fake-api'

enableAutoUnmount(afterEach)

let fake: FakeApi
beforeEach(async () => {
  fake = installFakeApiWithDemo(loadDemoSpec())
  await useAuditFormStore().openForm()
})

describe('AuditFormExecution', () => {
  it('puts the workers into the spec, and an empty field leaves the default of one per core', async () => {
    const wrapper = mount(AuditFormExecution)
    const form = useAuditFormStore()
    await wrapper.get('[data-testid="field-workers"]').setValue('3')
    expect(form.spec?.workers).toBe(3)
    await wrapper.get('[data-testid="field-workers"]').setValue('')
    expect(form.spec && 'workers' in form.spec).toBe(false)
    await wrapper.get('[data-testid="field-workers"]').setValue('0')
    await flushPromises()
    expect(wrapper.get('[data-testid="error-workers"]').text()).toMatch(
      /workers must be at least 1/
    )
  })

  it('saves a Redis queue in the app settings, shows it with the password masked, and refuses a URL that is not redis://', async () => {
    const wrapper = mount(AuditFormExecution)
    await flushPromises()
    await wrapper.get('[data-testid="field-queue"]').setValue('http://queue:6379')
    await flushPromises()
    expect(wrapper.get('[data-testid="error-queue"]').text()).toMatch(/the queue is a Redis URL/)
    expect(await fake.api.settings.get()).toEqual({})
    await wrapper.get('[data-testid="field-queue"]').setValue('redis://:s3cret@queue.lan:6379')
    await flushPromises()
    expect(await fake.api.settings.get()).toEqual({ queue: 'redis://:s3cret@queue.lan:6379' })
    expect(wrapper.text()).toContain('redis://***@queue.lan:6379')
    expect(wrapper.text()).not.toContain('s3cret')
  })
})
