/**
 * The engine process computes below normal priority, so the process the user talks to (Electron
 * main, the browser-mode server) always gets a core when it needs one, even while the engine's
 * threads fill every core. Called before the backend starts: wasm's pool threads inherit it.
 * `os.setPriority` maps 10 to "below normal" on Windows; failing to lower it is harmless.
 */
import os from 'node:os'

export const ENGINE_NICENESS = 10

export function lowerEnginePriority(): void {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), ENGINE_NICENESS))
  } catch {
    // Not permitted here (a sandbox, an exotic OS): the engine runs at normal priority.
  }
}
