import { describe, expect, it } from 'vitest'
import { graphWallTime } from '../../../main/contract/graph-wall-time'

const task = (id: string, seconds: number, deps: string[] = []) => ({ id, seconds, deps })

describe('graphWallTime: a task graph replayed on N workers like run-task-graph.ts', () => {
  it('runs independent tasks side by side and a chain one after the other', () => {
    const free = [task('a', 10), task('b', 6), task('c', 4)]
    expect(graphWallTime(free, 1)).toBe(20)
    // a on one worker; b then c on the other.
    expect(graphWallTime(free, 2)).toBe(10)
    expect(graphWallTime([task('a', 10), task('b', 6, ['a']), task('c', 4, ['b'])], 2)).toBe(20)
  })

  it('starts the ready task lowest in graph order first, so a late long task leaves a worker idle', () => {
    // Two workers: 1+1 short tasks first, then the long one starts at t = 1 and ends at 11.
    const late = [task('s1', 1), task('s2', 1), task('long', 10)]
    expect(graphWallTime(late, 2)).toBe(11)
    const early = [task('long', 10), task('s1', 1), task('s2', 1)]
    expect(graphWallTime(early, 2)).toBe(10)
  })

  it('waits at a barrier: nothing after the evaluation starts before every training ends', () => {
    const graph = [
      task('train-a', 8),
      task('train-b', 2),
      task('evaluate', 0, ['train-a', 'train-b']),
      task('attack-1', 3, ['evaluate']),
      task('attack-2', 3, ['evaluate'])
    ]
    expect(graphWallTime(graph, 2)).toBe(11)
  })

  it('refuses a worker count below 1 and a dependency that never comes', () => {
    expect(() => graphWallTime([task('a', 1)], 0)).toThrow(/workers must be a whole number/)
    expect(() => graphWallTime([task('a', 1, ['ghost'])], 2)).toThrow(
      /task "a" waits for a task that is not in the graph/
    )
  })
})
