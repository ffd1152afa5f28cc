// Hands text to the browser as a download (a log as a file). The object URL is revoked a moment
// later rather than at once: the click only starts the download, which still reads the blob.

export function saveTextFile(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1_000)
}
