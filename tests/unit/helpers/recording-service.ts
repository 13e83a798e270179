/**
 * The service in browser mode over a fresh temporary workspace, with an engine that only records
 * what it is asked (fake-engine.ts): for tests of the service's requests, never of the engine.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFlatlineService, type ServiceOptions } from '../../../main/service/flatline-service'
import { RecordingEngine } from './fake-engine'

export async function recordingService(
  options: Partial<Omit<ServiceOptions, 'engine' | 'workspaceRoot'>> = {}
) {
  const engine = new RecordingEngine()
  const root = await mkdtemp(join(tmpdir(), 'flatline-svc-'))
  const service = await createFlatlineService({
    workspaceRoot: root,
    engine,
    shell: 'browser',
    appVersion: '1.2.3',
    exportPdf: async () => null,
    ...options
  })
  return { engine, service, root }
}
