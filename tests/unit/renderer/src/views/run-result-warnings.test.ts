// @vitest-environment jsdom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useRunsStore } from '../../../../../renderer/src/stores/runs'
import RunResultView from '../../../../../renderer/src/views/RunResultView.vue'
import { loadRunRecordFixture } from '../../run-record-fixture'

enableAutoUnmount(afterEach)

beforeAll(() => {
  // jsdom has no layout or canvas: enough for ECharts to render the heatmap quietly.
  HTMLCanvasElement.prototype.getContext = (() =>
    null) as typeof HTMLCanvasElement.prototype.getContext
  globalThis.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
})

beforeEach(() => {
  setActivePinia(createPinia())
})

async function show(record: ReturnType<typeof loadRunRecordFixture>) {
  const runs = useRunsStore()
  runs.selectedId = record.id
  runs.record = record
  const view = mount(RunResultView)
  await flushPromises()
  return view
}

describe('RunResultView warnings', () => {
  it('lists the run warnings above the results', async () => {
    const record = loadRunRecordFixture()
    record.warnings = [
      {
        model: 'surrogate-cnn',
        kind: 'near-chance',
        message:
          'surrogate surrogate-cnn: 10.2 % natural accuracy, near chance (10 %): its transfer rates mean nothing'
      },
      {
        model: 'in-house',
        kind: 'target-check',
        message: 'imported target "in-house" (importedTargets), accepted with acceptCheck: with …'
      }
    ]
    const view = await show(record)
    const box = view.get('[data-testid="run-warnings"]')
    expect(box.text()).toContain('2 warnings: some numbers below mean less.')
    expect(box.findAll('li').map((li) => li.text())).toEqual(record.warnings.map((w) => w.message))
  })

  it('shows no warning box for a run without warnings', async () => {
    const view = await show(loadRunRecordFixture())
    expect(view.find('[data-testid="run-warnings"]').exists()).toBe(false)
  })
})
