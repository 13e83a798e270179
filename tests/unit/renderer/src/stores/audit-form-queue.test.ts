// @vitest-environment jsdom
import { attackQueue } from '@contract/attack-queue'
import { AuditSpec } from '@contract/audit-spec'
import { beforeEach, describe, expect, it } from 'vitest'
import { draftFromSpec } from '../../../../../renderer/src/stores/audit-form'
import { installFakeApiWithDemo, loadDemoSpec, openDemoForm } from '../../demo-spec-fixture'

const demo = loadDemoSpec()

beforeEach(() => {
  installFakeApiWithDemo(demo)
})

const openForm = openDemoForm

describe('useAuditFormStore attack queue', () => {
  it('sends one attack while the queue is empty, and the queue as `attacks` once stacks are added', async () => {
    const { form, draft } = await openForm()
    expect(form.spec?.attacks).toBeUndefined()
    expect(form.addToQueue()).toBe(true)
    draft.enabled.mi = true
    expect(form.addToQueue()).toBe(true)
    draft.enabled.si = true
    draft.configs.si.copies = 3
    expect(form.addToQueue()).toBe(true)

    expect(form.spec?.attack).toBeUndefined()
    expect(form.valid).toBe(true)
    const spec = AuditSpec.parse(form.spec)
    expect(attackQueue(spec).map((q) => q.label)).toEqual(['BIM', 'BIM + MI', 'BIM + SI + MI'])
    expect(spec.attacks?.[2].stack).toEqual({ si: { copies: 3 }, mi: { mu: 1.2 } })
    // Each queued stack shows its price: SI with 3 copies costs 3 passes per iteration.
    expect(form.queued.map((q) => q.perIteration)).toEqual([1, 1, 3])
    expect(form.queued[2].total).toBe(3 * draft.attack.steps)
  })

  it('keeps queued entries when the editor changes afterwards, and removes them on demand', async () => {
    const { form, draft } = await openForm()
    form.addToQueue()
    draft.enabled.mi = true
    form.addToQueue()
    draft.attack.steps = 7
    expect(draft.queue.map((e) => e.steps)).not.toContain(7)
    form.removeFromQueue(0)
    expect(AuditSpec.parse(form.spec).attacks?.map((e) => e.stack)).toEqual([{ mi: { mu: 1.2 } }])
  })

  it('refuses to queue an invalid stack and says why', async () => {
    const { form, draft } = await openForm()
    draft.attack.eps = 2 // > 1 under L∞
    expect(form.addToQueue()).toBe(false)
    expect(form.queueError).toMatch(/eps/)
    expect(draft.queue).toHaveLength(0)
  })

  it('stores labels and surrogate choices, and reports an entry whose maxExamples differs', async () => {
    const { form, draft } = await openForm()
    form.addModel('surrogates')
    form.addToQueue()
    draft.enabled.mi = true
    form.addToQueue()
    const [first, second] = draft.surrogates.map((m) => m.name)
    form.setQueueLabel(1, '  momentum  ')
    form.setQueueSurrogate(1, first, false)
    expect(draft.queue[1]).toMatchObject({ label: 'momentum', surrogates: [second] })
    form.setQueueSurrogate(1, first, true)
    expect(draft.queue[1].surrogates).toBeUndefined()
    form.setQueueLabel(1, '')
    expect(draft.queue[1].label).toBeUndefined()
    draft.queue[1].maxExamples = 3
    expect(form.valid).toBe(false)
    expect(form.errors['attacks.1.maxExamples']).toMatch(/same examples/)
  })

  it('loads a spec with a queue back into the queue, its first stack in the editor', () => {
    const input = {
      ...demo,
      attack: undefined,
      attacks: [
        { eps: 8 / 255, stack: { mi: {} } },
        { eps: 8 / 255, label: 'plain' }
      ]
    }
    const draft = draftFromSpec(input)
    expect(draft.queue).toHaveLength(2)
    expect(draft.enabled.mi).toBe(true)
    expect(draft.attack.eps).toBe(8 / 255)
  })
})
