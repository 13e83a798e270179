/**
 * ONNX's backend node tests for every op the importer claims (generated at test time from Debian's
 * python3-onnx, ~3 s): each must pass, and the README's per-op table must show these counts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { SUPPORTED_OPS } from '../../../../main/engine/onnx/op-registry'
import {
  conformanceTable,
  generateNodeTests,
  runNodeTest,
  testsOfOp,
  type NodeTest,
  type NodeTestResult
} from './node-conformance'

const dir = mkdtempSync(join(tmpdir(), 'onnx-node-tests-'))
let tests: NodeTest[] = []
const results: NodeTestResult[] = []

beforeAll(async () => {
  await initBackend()
  tests = generateNodeTests(dir)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('ONNX node tests of every claimed op', () => {
  it.each(SUPPORTED_OPS.map((op) => [op]))('%s', (op) => {
    const mine = testsOfOp(tests, op).map(runNodeTest)
    results.push(...mine)
    const failed = mine.filter((r) => r.outcome === 'failed').map((r) => `${r.test}: ${r.message}`)
    expect(failed).toEqual([])
  })

  it('the README shows the per-op counts of this run', () => {
    const table = conformanceTable(results, SUPPORTED_OPS)
    console.log(
      `ONNX node tests (${results.filter((r) => r.outcome === 'passed').length} passed):\n${table}`
    )
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
    expect(
      readme.includes(table),
      'README.md must hold the table printed above (ONNX surrogates section)'
    ).toBe(true)
  })
})
