import { describe, expect, it } from 'vitest'
import { createProgressPrinter } from '../../../main/cli/progress-printer'

describe('createProgressPrinter (not a terminal)', () => {
  it("prints each task's first progress line (where a resumed task picks up), then at most one per 5 s", () => {
    const written: string[] = []
    const stream = {
      isTTY: false,
      write: (text: string) => written.push(text)
    } as unknown as NodeJS.WriteStream
    const print = createProgressPrinter(stream)
    print({
      jobId: 'j',
      kind: 'started',
      runId: 'r',
      backend: 'cpu',
      tasks: [
        { id: 'a', kind: 'train', label: 'Train a' },
        { id: 'b', kind: 'train', label: 'Train b' }
      ]
    })
    print({
      jobId: 'j',
      kind: 'task-progress',
      taskId: 'a',
      value: 0.5,
      detail: 'resuming after epoch 2/4'
    })
    print({ jobId: 'j', kind: 'task-progress', taskId: 'a', value: 0.6, detail: 'epoch 3/4' })
    print({
      jobId: 'j',
      kind: 'task-progress',
      taskId: 'b',
      value: 0,
      detail: 'no usable checkpoint: training from scratch'
    })
    expect(written.slice(1)).toEqual([
      '[##########..........]  50 % Train a: resuming after epoch 2/4\n',
      '[....................]   0 % Train b: no usable checkpoint: training from scratch\n'
    ])
  })

  it("prints an epoch's learning rate without float noise (0.1 × 0.1 is 0.01, not 0.010000000000000002)", () => {
    const written: string[] = []
    const stream = {
      isTTY: false,
      write: (text: string) => written.push(text)
    } as unknown as NodeJS.WriteStream
    const print = createProgressPrinter(stream)
    const metrics = {
      epoch: 3,
      loss: 1.5,
      trainAccuracy: 0.4,
      testAccuracy: 0.4,
      lr: 0.1 * 0.1,
      seconds: 5
    }
    print({ jobId: 'j', kind: 'epoch', taskId: 'train-s', model: 's', metrics })
    expect(written.join('')).toContain(
      's epoch 3: loss 1.5000, train 40.0 %, test 40.0 %, lr 0.01, 5.0 s'
    )
  })
})
