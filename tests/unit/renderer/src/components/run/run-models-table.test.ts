// @vitest-environment jsdom
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { ModelResult } from '@contract/run-record'
import RunModelsTable from '../../../../../../renderer/src/components/run/RunModelsTable.vue'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

const model = (name: string, passes?: number): ModelResult => ({
  name,
  role: 'surrogate',
  arch: 'small-cnn',
  params: 1234,
  accuracy: 0.8,
  hash: 'abcdef0123456789',
  epochs: [],
  trainSeconds: 3,
  ...(passes === undefined ? {} : { passes })
})

describe('RunModelsTable', () => {
  it("shows each model's minimizer and its forward-backward passes when recorded", () => {
    const wrapper = mount(RunModelsTable, {
      props: {
        models: [model('lsam', 2400), model('old')],
        minimizers: { lsam: { id: 'sam', rho: 0.3 }, old: { id: 'sgd' } }
      }
    })
    const lsam = wrapper.get('[data-testid="model-lsam"]').text()
    expect(lsam).toContain('SAM ρ 0.3')
    expect(lsam).toMatch(/2,?400 passes/)
    const old = wrapper.get('[data-testid="model-old"]').text()
    expect(old).toContain('SGD')
    expect(old).not.toContain('passes')
  })

  it('shows a dash when the spec names no minimizer for a model', () => {
    const wrapper = mount(RunModelsTable, { props: { models: [model('x')] } })
    expect(wrapper.get('[data-testid="model-x"]').findAll('td')[3].text()).toBe('—')
  })
})
