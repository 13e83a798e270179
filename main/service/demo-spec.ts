/** Where the demo audit's spec lives: `examples/demo-audit.json`, shipped with the app next to resources/. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { resourcesDir } from '../engine/data/resources-dir'

export function demoSpecPath(): string {
  if (process.env.FLATLINE_DEMO_SPEC) return process.env.FLATLINE_DEMO_SPEC
  const packaged = join(resourcesDir(), 'demo', 'demo-audit.json')
  if (existsSync(packaged)) return packaged
  return join(resourcesDir(), '..', 'examples', 'demo-audit.json')
}
