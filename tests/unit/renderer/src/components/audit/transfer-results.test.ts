// @vitest-environment jsdom
import type { RunRecord, TransferCell } from '@contract/run-record'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import ChartTransferHeatmap from '../../../../../../renderer/src/components/audit/ChartTransferHeatmap.vue'
import TransferRateTable from '../../../../../../renderer/src/components/audit/TransferRateTable.vue'
import { fakeChartLayout } from '../../../jsdom-chart-layout'
import { loadRunRecordFixture } from '../../../run-record-fixture'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

/** The fixture's 1 × 2 grid grown to 2 × 2 with rates that round differently, so row/column mix-ups show. */
function twoByTwo(record: RunRecord): TransferCell[] {
  const cells = record.results!.transfer
  return [
    ...cells,
    ...cells.map((c, i) => ({
      ...c,
      surrogate: 'surrogate-b',
      successRate: [0.0125, 0.999][i],
      fooled: [12, 999][i]
    }))
  ]
}

beforeAll(fakeChartLayout)

describe('TransferRateTable', () => {
  it('adds ± 2 standard deviations to a rate measured over several seeds, and only there', () => {
    const [first, second] = loadRunRecordFixture().results!.transfer
    const wrapper = mount(TransferRateTable, {
      props: { cells: [{ ...first, repeats: 3, std: 0.05 }, second] }
    })
    expect(wrapper.get(`[data-testid="rate-${first.surrogate}-${first.target}"]`).text()).toMatch(
      /^47\.3 %\s*± 10\.0 %$/
    )
    expect(
      wrapper.get(`[data-testid="rate-${second.surrogate}-${second.target}"]`).text()
    ).not.toContain('±')
  })

  it('renders the fixture run with one formatted rate per surrogate × target cell', () => {
    const record = loadRunRecordFixture()
    const cells = record.results!.transfer
    const wrapper = mount(TransferRateTable, { props: { cells } })
    expect(wrapper.findAll('[data-testid^="rate-"]')).toHaveLength(cells.length)
    for (const cell of cells) {
      const td = wrapper.get(`[data-testid="rate-${cell.surrogate}-${cell.target}"]`)
      expect(td.text()).toBe(`${(cell.successRate * 100).toFixed(1)} %`)
    }
    expect(wrapper.get('[data-testid="rate-surrogate-cnn-target-cnn"]').text()).toBe('47.3 %')
    expect(wrapper.text()).toContain('473 / 1,000')
  })

  it('keeps each rate on its own surrogate and target', () => {
    const cells = twoByTwo(loadRunRecordFixture())
    const wrapper = mount(TransferRateTable, { props: { cells } })
    expect(wrapper.get('[data-testid="rate-surrogate-b-target-cnn"]').text()).toBe('1.3 %')
    expect(wrapper.get('[data-testid="rate-surrogate-b-target-resnet"]').text()).toBe('99.9 %')
    expect(wrapper.get('[data-testid="rate-surrogate-cnn-target-resnet"]').text()).toBe('21.8 %')
  })
})

describe('ChartTransferHeatmap', () => {
  it('draws a label in every cell of the heatmap', async () => {
    const cells = twoByTwo(loadRunRecordFixture())
    const wrapper = mount(ChartTransferHeatmap, { props: { cells }, attachTo: document.body })
    await flushPromises()
    const container = wrapper.get('[data-testid="heatmap"]')
    const texts = container.findAll('svg text').map((t) => t.text())
    for (const label of ['47.3 %', '21.8 %', '1.3 %', '99.9 %']) {
      expect(texts.filter((t) => t === label)).toHaveLength(1)
    }
    // Axis labels: both surrogates and both targets are named.
    for (const name of ['surrogate-cnn', 'surrogate-b', 'target-cnn', 'target-resnet'])
      expect(texts).toContain(name)
    expect(container.attributes('aria-label')).toContain('surrogate-b to target-resnet: 99.9 %')
    wrapper.unmount()
  })
})
