// Loaded with `node --import`: at exit, prints the process's peak resident memory and the CPU time
// it used (user + system). CPU time measures the work a case costs whatever else the machine runs.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nbplus-usage rss-kb=${usage.maxRSS} cpu-us=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
