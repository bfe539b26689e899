import type { CommandAction } from '../action.js';
import { runDemo } from '../demo/script.js';
import { invocation } from '../invocation.js';
import { diagnose } from '../../core/errors.js';
import { renderDemo } from '../../render/demo.js';
import { renderDiagnosis } from '../../render/diagnosis.js';
import { toJsonDocument } from '../../render/json.js';

const demo: CommandAction = async (_args, _flags, ctx) => {
  // Ctrl-C stops the demo between steps; the server is closed and the folder removed either way.
  const interrupt = new AbortController();
  const removers = (['SIGINT', 'SIGTERM'] as const).map((signal) => ctx.io.onSignal?.(signal, () => interrupt.abort()));
  const spinner = await ctx.spinner('Running the demo…');
  let report;
  try {
    report = await runDemo({ signal: interrupt.signal });
  } finally {
    spinner.stop();
    for (const remove of removers) remove?.();
  }
  if (ctx.json) ctx.print(toJsonDocument('demo', { ...report }));
  else {
    const how = invocation(ctx.io.env, ctx.io.cwd);
    ctx.print(renderDemo(report, ctx.out, how.command, how.onPath));
  }
  if (!report.ok && !report.interrupted) {
    const failed = report.steps.filter((s) => !s.passed).map((s) => `${s.id} (expected ${s.expected ?? 'success'}, got ${s.diagnosis?.code ?? `HTTP ${s.status ?? '—'}`})`);
    ctx.io.stderr.write(renderDiagnosis(diagnose('MTLS_DEMO_STEP_FAILED', `Demo step(s) that did not behave as expected: ${failed.join(', ')}.`), ctx.err));
  }
  return report.ok ? 0 : 1;
};

export default demo;
