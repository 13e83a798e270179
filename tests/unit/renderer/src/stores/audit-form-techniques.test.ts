// @vitest-environment jsdom
/** The form's technique panel state: every registry id, ensembles built from the surrogates, registry-driven prices and errors. */
import { STACK_TECHNIQUE_IDS } from '@contract/attack-stack'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  TECHNIQUE_FIELDS,
  TECHNIQUE_GROUPS
} from '../../../../../renderer/src/components/audit-form/hyperparameter-fields'
import { installFakeApiWithDemo, loadDemoSpec, openDemoForm } from '../../demo-spec-fixture'

const demo = loadDemoSpec()
beforeEach(() => {
  installFakeApiWithDemo(demo)
})

describe('technique panel state', () => {
  it('groups every registry technique by family and gives each its registry fields with ranges', () => {
    expect(TECHNIQUE_GROUPS.flatMap((g) => g.ids).sort()).toEqual([...STACK_TECHNIQUE_IDS].sort())
    expect(TECHNIQUE_FIELDS.pgn.map((f) => f.key)).toEqual(['samples', 'delta', 'zeta', 'mu'])
    expect(TECHNIQUE_FIELDS.pgn.find((f) => f.key === 'zeta')?.hint).toBe(
      'neighbourhood radius ζ·ε · [0, 5] × ε'
    )
    expect(TECHNIQUE_FIELDS.ila.find((f) => f.key === 'layer')?.kind).toBe('text')
  })

  it('ticking SVRE ticks an ensemble of every surrogate, and the spec carries both', async () => {
    const { form, draft } = await openDemoForm()
    form.addModel('surrogates')
    form.toggleTechnique('svre', true)
    expect(draft.enabled.ens).toBe(true)
    const names = draft.surrogates.map((m) => m.name)
    expect(draft.configs.ens.members).toEqual(names)
    expect(form.spec?.attack?.stack).toMatchObject({
      ens: { members: names, fusion: 'logits' },
      svre: {}
    })
    expect(form.valid).toBe(true)
    // (K + 2M)·c with K = 2 members and M = 4K inner steps.
    expect(form.costPerIteration).toBe(2 + 2 * 8)
  })

  it('names the problem of an ensemble whose member is no longer a surrogate, and of a conflict', async () => {
    const { form, draft } = await openDemoForm()
    form.addModel('surrogates')
    form.toggleTechnique('ens', true)
    draft.surrogates[1].name = 'renamed'
    expect(form.errorUnder('attack.stack.ens.members')).toMatch(
      /ens\.members: ".*" is not a surrogate of the audit/
    )
    form.setEnsembleMember(draft.configs.ens.members[1], false)
    form.setEnsembleMember('renamed', true)
    expect(form.errorUnder('attack.stack.ens.members')).toBeUndefined()
    form.toggleTechnique('pgn', true)
    form.toggleTechnique('vt', true)
    expect(form.errorAt('attack.stack.pgn')).toMatch(
      /^pgn cannot be combined with vt: both fill the estimator slot/
    )
    expect(form.valid).toBe(false)
  })
})
