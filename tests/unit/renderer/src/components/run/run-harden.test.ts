// @vitest-environment jsdom
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import RunHarden from '../../../../../../renderer/src/components/run/RunHarden.vue'
import { setApi } from '../../../../../../renderer/src/api/current-api'
import { useAuditFormStore } from '../../../../../../renderer/src/stores/audit-form'
import { createFakeApi } from '../../../fake-api'
import { fixtureRun, hardenResults, runWithHarden } from '../../../../helpers/harden-fixture'

beforeEach(() => {
  setApi(createFakeApi().api)
  setActivePinia(createPinia())
})
enableAutoUnmount(afterEach)

describe('RunHarden', () => {
  it('shows the ranked recipes with their measures and the recommendation', () => {
    const run = runWithHarden()
    const h = run.results!.harden!
    const wrapper = mount(RunHarden, { props: { run } })
    const rows = wrapper.findAll('[data-testid^="harden-row-"]')
    expect(rows.map((r) => r.attributes('data-testid'))).toEqual(
      h.recipes.map((r) => `harden-row-${r.recipe}`)
    )
    const top = wrapper.get(`[data-testid="harden-row-${h.recipes[0].recipe}"]`).text()
    expect(top).toContain(`${(h.recipes[0].naturalAccuracy * 100).toFixed(1)} %`)
    expect(top).toContain('beyond')
    expect(wrapper.get('[data-testid="harden-row-sgd"]').text()).toContain('baseline')
    expect(wrapper.get('[data-testid="harden-recommendation"]').text()).toContain(
      h.recommendation.text.slice(0, 50)
    )
  })

  it("shows the stored run's warnings about its settings, e.g. an adversarial-training budget that changes nothing", () => {
    const warning =
      'harden.adversarialTraining is set (ε 0.0314 (8/255)) but no chosen recipe trains adversarially: it changes nothing unless you add pgd-at, sam-at or awp.'
    const wrapper = mount(RunHarden, {
      props: { run: runWithHarden(hardenResults(undefined, [warning])) }
    })
    expect(wrapper.get('[data-testid="harden-warning"]').text()).toBe(`Warning: ${warning}`)
    expect(
      mount(RunHarden, { props: { run: runWithHarden() } })
        .find('[data-testid="harden-warning"]')
        .exists()
    ).toBe(false)
  })

  it('offers to harden a run without a Harden step: the form opens on its spec with the most exposed trained target', () => {
    const run = fixtureRun()
    const wrapper = mount(RunHarden, { props: { run } })
    expect(wrapper.find('[data-testid="harden-table"]').exists()).toBe(false)
    void wrapper.get('[data-testid="harden-run"]').trigger('click')
    const form = useAuditFormStore()
    expect(form.open).toBe(true)
    expect(form.draft?.harden).toMatchObject({ target: 'target-cnn' })
    expect(form.draft?.name).toBe(`${run.name} + harden`)
    expect(form.valid).toBe(true)
  })
})
