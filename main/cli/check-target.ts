/**
 * `npm run check-target`: the Target zoo's import check, headless, for scripts and CI (usage in
 * check-target-args.ts).
 *
 * Prints one JSON object on stdout: `accuracy` (0 to 1), `correct`, `total`, `layout`, `warning`
 * (a string or null), `bestFix` (the whole preprocessing to use instead, with its `accuracy` and
 * `correct`, or null) and `candidates` (every preprocessing tried besides the declared one, with
 * its accuracy). Exit codes: 0 usable as declared, 3 the check warns, 2 bad input (a missing file, a
 * wrong format, a shape that does not fit the dataset; message on stderr), 1 anything else.
 */
import { resolve } from 'node:path'
import type { DatasetSpec } from '../contract/audit-spec'
import { TargetCheckRequest, type TargetCheckResult } from '../contract/target-zoo'
import { describeSpecError } from '../contract/strict-keys'
import { initBackend } from '../engine/backend/select-backend'
import { detectDataset } from '../engine/data/detect-dataset'
import { loadDataset } from '../engine/data/load-dataset'
import { checkTarget } from '../engine/targets/check-target'
import { TargetImportError } from '../engine/targets/target-model'
import { CHECK_TARGET_USAGE, parseCheckTargetArgs } from './check-target-args'
import { runCli } from './run-cli'

/** A problem with what the user gave (exit 2), as opposed to a failure of the check itself. */
class BadInputError extends Error {}

async function datasetSpec(dataset: string): Promise<DatasetSpec> {
  if (dataset === 'demo')
    return { source: 'embedded', trainLimit: 0, testLimit: 0, validationSize: 0 }
  const detected = await detectDataset(resolve(dataset)).catch((error: unknown) => {
    throw new BadInputError(
      `--dataset ${dataset}: ${error instanceof Error ? error.message : String(error)}`
    )
  })
  if (!detected.source) throw new BadInputError(`--dataset ${dataset}: ${detected.message}`)
  return {
    source: detected.source,
    path: detected.path,
    trainLimit: 0,
    testLimit: 0,
    validationSize: 0
  }
}

/** The JSON printed: what a script needs to decide, and what was tried. */
export function checkTargetOutput(result: TargetCheckResult): Record<string, unknown> {
  const fix = result.warning?.fix
  return {
    accuracy: result.accuracy,
    correct: result.correct,
    total: result.sampled,
    layout: result.detected.layout,
    warning: result.warning?.message ?? null,
    bestFix: fix
      ? {
          ...result.preprocessing,
          ...fix,
          accuracy: result.warning?.fixedAccuracy ?? null,
          correct: result.warning?.fixedCorrect ?? null
        }
      : null,
    candidates: result.candidates.map((c) => ({
      change: c.change,
      ...c.fix,
      accuracy: c.accuracy,
      correct: c.correct
    })),
    preprocessing: result.preprocessing,
    nearChance: result.nearChance,
    chance: result.chance,
    sha256: result.sha256,
    dataset: result.datasetName,
    notes: result.notes
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseCheckTargetArgs(argv)
  try {
    const dataset = await datasetSpec(args.dataset)
    const parsed = TargetCheckRequest.safeParse({
      ...args.request,
      path: resolve(args.request.path),
      dataset
    })
    if (!parsed.success) throw new BadInputError(describeSpecError(parsed.error))
    await initBackend()
    const result = await checkTarget(parsed.data, await loadDataset(parsed.data.dataset))
    process.stdout.write(JSON.stringify(checkTargetOutput(result), null, 2) + '\n')
    return result.warning ? 3 : 0
  } catch (error) {
    if (error instanceof BadInputError || error instanceof TargetImportError) {
      process.stderr.write(`error: ${error.message}\n`)
      return 2
    }
    throw error
  }
}

runCli(main, CHECK_TARGET_USAGE)
