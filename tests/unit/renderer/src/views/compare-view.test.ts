// @vitest-environment jsdom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setApi } from '../../../../../renderer/src/api/current-api'
import { useCompareStore } from '../../../../../renderer/src/stores/compare'
import { useRunsStore } from '../../../../../renderer/src/stores/runs'
import CompareView from '../../../../../renderer/src/views/CompareView.vue'
import { compareRuns } from '../../../../../main/engine/compare/compare-runs'
import { createFakeApi } from '../../fake-api'
import { fakeChartLayout } from '../../jsdom-chart-layout'
import { fixtureRun } from '../../../helpers/harden-fixture'

enableAutoUnmount(afterEach)

beforeAll(fakeChartLayout)

const v1 = { ...fixtureRun(), id: 'v1', name: 'model v1', createdAt: '2025-03-01T10:00:00Z' }
const v2 = { ...fixtureRun(), id: 'v2', name: 'model v2', createdAt: '2025-03-02T10:00:00Z' }
v2.results = {
  ...v2.results!,
  transfer: v2.results!.transfer.map((c) =>
    c.target === 'target-cnn' ? { ...c, successRate: 0.3, fooled: 300 } : c
  )
}

async function mountView(compare: (a: string, b: string) => Promise<unknown>) {
  const fake = createFakeApi({
    runs: [v2, v1].map((r) => ({
      id: r.id,
      name: r.name,
      status: 'completed' as const,
      createdAt: r.createdAt
    }))
  })
  fake.api.runs.compare = vi.fn(compare) as never
  setApi(fake.api)
  setActivePinia(createPinia())
  await useRunsStore().refresh()
  useCompareStore().openView()
  const wrapper = mount(CompareView)
  await flushPromises()
  return { wrapper, fake }
}

describe('CompareView', () => {
  it('preselects the two newest runs and shows per-target changes with the spread and the diverging heatmap', async () => {
    const { wrapper, fake } = await mountView(async () => compareRuns(v1, v2))
    expect(fake.api.runs.compare).toHaveBeenCalledWith('v1', 'v2')
    const cnn = wrapper.get('[data-testid="compare-row-target-cnn"]').text()
    expect(cnn).toContain('47.3 %')
    expect(cnn).toContain('30.0 %')
    expect(cnn).toContain('−17.3 points')
    expect(cnn).toContain('yes, fell')
    expect(wrapper.get('[data-testid="compare-row-target-resnet"]').text()).toContain('no')
    const heatmap = wrapper.get('[data-testid="comparison-heatmap"]')
    // A real minus sign in what a screen reader reads too, never the ASCII hyphen.
    expect(heatmap.attributes('aria-label')).toContain(
      'surrogate-cnn to target-cnn: −17.3 points; surrogate-cnn to target-resnet: 0.0 points'
    )
    expect(heatmap.attributes('aria-label')).not.toMatch(/-\d/)
    expect(heatmap.text()).toContain('−17.3 *')
  })

  it('shows why two runs do not compare', async () => {
    const { wrapper } = await mountView(async () =>
      Promise.reject(new Error('Cannot compare these runs: the runs share no target: …'))
    )
    expect(wrapper.get('[data-testid="compare-refusal"]').text()).toContain(
      'the runs share no target'
    )
    expect(wrapper.find('[data-testid="compare-table"]').exists()).toBe(false)
  })
})
