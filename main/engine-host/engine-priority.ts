/**
 * The engine process computes below normal priority, so the process the user talks to (Electron
 * main, the browser-mode server) always gets a core when it needs one, even while the engine's
 * threads fill every core. Called before the backend starts: wasm's pool threads inherit it.
 * Nice 5, not more: it gives way to the UI process at once, yet on a machine busy with other work
 * (a CI runner, seven engineers' tests) the audit still gets a fair share; at nice 10 it nearly
 * stopped there. Windows has no level between "normal" and "below normal" (nice 10), so there it
 * stays normal. Failing to lower it (a sandbox) is harmless.
 */
import os from 'node:os'

export const ENGINE_NICENESS = 5

export function lowerEnginePriority(): void {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), ENGINE_NICENESS))
  } catch {
    // Not permitted here (a sandbox, an exotic OS): the engine runs at normal priority.
  }
}
