/** End-to-end part of bench:scrape (filled in with the scrape manager). */
export async function runE2EBench(_seconds: number): Promise<void> {
  console.log('# e2e: not implemented yet');
}
