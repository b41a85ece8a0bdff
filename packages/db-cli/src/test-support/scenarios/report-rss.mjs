// Preloaded with `node --import`: on exit, writes the process's peak resident set size (KiB) to
// stderr as `kusto-test-max-rss=<n>`, so a test can measure a real CLI run without patching it.
process.on('exit', () => {
  process.stderr.write(`\nkusto-test-max-rss=${process.resourceUsage().maxRSS}\n`);
});
