/**
 * A reader that goes away (`pgtop snapshot --watch | head -3`) is the normal end of a pipeline: like other
 * Unix tools, pgtop then ends quietly with status 0 instead of failing on EPIPE.
 */
export function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
