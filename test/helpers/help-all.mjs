// Prints `mtls ARGS --help` for each JSON argument list on the command line, in one process
// (on a pseudo-terminal, from test/cli/width.test.ts: one terminal for all the help pages),
// each page between "=== mtls ARGS" lines.
import { run } from '../../dist/cli/run.js';

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: async () => Buffer.alloc(0),
  env: process.env,
  cwd: process.cwd(),
};
for (const list of process.argv.slice(2)) {
  const args = JSON.parse(list);
  process.stdout.write(`=== mtls ${args.join(' ')}\n`);
  await run([...args, '--help'], io);
}
