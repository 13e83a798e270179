// @vitest-environment jsdom
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditResults, ModelResult } from '@contract/run-record'
import RunEarlyStopping from '../../../../../../renderer/src/components/run/RunEarlyStopping.vue'
import RunModelsTable from '../../../../../../renderer/src/components/run/RunModelsTable.vue'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

const model = (name: string, chosenEpoch?: ModelResult['chosenEpoch']): ModelResult => ({
  name,
  role: 'surrogate',
  arch: 'small-cnn',
  params: 1234,
  accuracy: 0.8,
  hash: 'abcdef0123456789',
  epochs: [],
  trainSeconds: 3,
  ...(chosenEpoch ? { chosenEpoch } : {})
})
const reason = 'best validation transfer 41.2 % (206/500) of 8 epochs'
const results = (models: ModelResult[], validation?: AuditResults['validation']): AuditResults => ({
  models,
  transfer: [],
  whiteBox: [],
  evaluated: { candidates: 10, allCorrect: 8, attacked: 8 },
  attackSeconds: 1,
  ...(validation ? { validation } : {})
})

describe('early stopping on the run page', () => {
  it('states the chosen epoch, its reason and the validation set that chose it', () => {
    const wrapper = mount(RunEarlyStopping, {
      props: {
        results: results([model('es', { epoch: 6, reason }), model('full')], {
          targets: [{ name: 'val-cnn', arch: 'small-cnn', hash: 'x' }],
          attacked: 500
        })
      }
    })
    expect(wrapper.get('[data-testid="early-stop-es"]').text()).toBe(`es uses epoch 6: ${reason}.`)
    expect(wrapper.find('[data-testid="early-stop-full"]').exists()).toBe(false)
    expect(wrapper.text()).toContain(
      'Chosen on 500 held-out validation images and the validation targets val-cnn'
    )
  })

  it('renders nothing for a run without early stopping', () => {
    expect(mount(RunEarlyStopping, { props: { results: results([model('full')]) } }).text()).toBe(
      ''
    )
  })

  it('marks the early-stopped epoch in the models table, with the reason as its title', () => {
    const wrapper = mount(RunModelsTable, {
      props: { models: [model('es', { epoch: 6, reason }), model('full')] }
    })
    const chosen = wrapper.get('[data-testid="chosen-es"]')
    expect(chosen.text()).toBe('early-stopped: epoch 6')
    expect(chosen.attributes('title')).toBe(reason)
    expect(wrapper.find('[data-testid="chosen-full"]').exists()).toBe(false)
  })
})
