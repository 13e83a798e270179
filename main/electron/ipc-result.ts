/**
 * What every IPC command returns to the preload: the value, or the user-facing error message.
 *
 * Electron rewrites an error thrown by an `ipcMain.handle` handler into "Error invoking remote
 * method 'audit:start': Error: …", which is not something to show a user. Main catches the error
 * and sends its message in this envelope; the preload unwraps it and throws a plain `Error`
 * carrying the message unchanged.
 */
export type IpcResult = { ok: true; value: unknown } | { ok: false; error: string }
