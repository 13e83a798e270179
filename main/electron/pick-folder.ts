/**
 * "Choose folder…" in the Electron shell: the native open dialog, folders only.
 *
 * Used by the Datasets view's path field; browser mode has no such dialog (the service option is
 * absent there and the view keeps its text field).
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron'

/** The chosen folder's path, or null when the user cancels. */
export async function pickFolder(
  title: string,
  parent: BrowserWindow | null = null
): Promise<string | null> {
  const options: OpenDialogOptions = {
    title,
    buttonLabel: 'Choose folder',
    properties: ['openDirectory']
  }
  const choice = parent
    ? await dialog.showOpenDialog(parent, options)
    : await dialog.showOpenDialog(options)
  return choice.canceled || choice.filePaths.length === 0 ? null : choice.filePaths[0]
}
