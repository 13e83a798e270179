// @vitest-environment jsdom
import type { DatasetInspection } from '@contract/dataset-inspection'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useDatasetsStore } from '../../../../../renderer/src/stores/datasets'
import DatasetsView from '../../../../../renderer/src/views/DatasetsView.vue'
import { installFakeApiWithDemo, loadDemoSpec } from '../../demo-spec-fixture'
import type { FakeApi } from '../../fake-api'
import { fakeChartLayout } from '../../jsdom-chart-layout'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

let fake: FakeApi
beforeAll(fakeChartLayout)
beforeEach(() => {
  fake = installFakeApiWithDemo(loadDemoSpec())
})

const PIXEL = 'data:image/png;base64,iVBORw0KGgo='

const inspection: DatasetInspection = {
  name: 'pets',
  source: 'image-folder',
  format: 'image folder (PNG/JPEG)',
  classNames: ['cat', 'dog'],
  imageShape: [32, 32, 3],
  train: { count: 3, perClass: [3, 0] },
  test: { count: 2, perClass: [1, 1] },
  samples: [
    { classIndex: 0, className: 'cat', images: [PIXEL, PIXEL, PIXEL] },
    { classIndex: 1, className: 'dog', images: [] }
  ],
  memoryBytes: 15370,
  memoryBudgetBytes: 1024 * 1024 * 1024,
  seconds: 0.2,
  problems: ['class "dog" has no training images.']
}

describe('DatasetsView', () => {
  it('detects the typed folder, inspects it and shows counts, the class chart, samples and problems', async () => {
    fake.api.datasets.detect = async (path) => ({
      path,
      source: 'image-folder',
      format: 'image folder with 2 classes',
      message: `${path}: image folder with 2 classes (cat, dog).`
    })
    fake.api.datasets.inspect = async () => inspection
    useDatasetsStore().openView()
    const wrapper = mount(DatasetsView)
    await flushPromises()
    expect(wrapper.find('[data-testid="dataset-path"]').exists()).toBe(false) // embedded: no folder
    await wrapper.get('[data-testid="dataset-source"]').setValue('idx-folder')
    await wrapper.get('[data-testid="dataset-path"]').setValue('/data/pets')
    await wrapper.get('[data-testid="dataset-path"]').trigger('change')
    await flushPromises()
    expect(wrapper.get('[data-testid="dataset-detection"]').text()).toBe(
      '/data/pets: image folder with 2 classes (cat, dog).'
    )
    expect((wrapper.get('[data-testid="dataset-source"]').element as HTMLSelectElement).value).toBe(
      'image-folder'
    )
    expect(wrapper.find('[data-testid="dataset-image-size"]').exists()).toBe(true)
    expect(wrapper.text()).not.toContain('Choose…') // browser mode: no native dialog
    await wrapper.get('[data-testid="dataset-inspect"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="dataset-problems"]').text()).toBe(
      'class "dog" has no training images.'
    )
    expect(wrapper.findAll('.samples__img')).toHaveLength(3)
    // The bar chart draws both class names on its axis.
    expect(wrapper.get('.chart').text()).toContain('dog')
    expect(wrapper.text()).toContain('no training images')
    expect(wrapper.get('[data-testid="dataset-inspection"]').text()).toContain('3 train · 2 test')
    expect((wrapper.get('[data-testid="dataset-use"]').element as HTMLButtonElement).disabled).toBe(
      false
    )
    await wrapper.get('[data-testid="dataset-image-size"]').setValue(4)
    expect(wrapper.get('[data-testid="dataset-field-error"]').text()).toBe(
      'imageSize: imageSize must be at least 8 pixels'
    )
    expect(
      (wrapper.get('[data-testid="dataset-inspect"]').element as HTMLButtonElement).disabled
    ).toBe(true)
    expect((wrapper.get('[data-testid="dataset-use"]').element as HTMLButtonElement).disabled).toBe(
      true
    )
  })
})
