// Mocha's spec output, plus one plain closing line ("mocha: N passed, N failed, N skipped") that CI
// systems read regardless of the runner.
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      process.stdout.write(`\nmocha: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}
module.exports = SummaryReporter;
