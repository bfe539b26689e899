import { processIo } from './io.js';
import { run } from './run.js';

const code = await run(process.argv.slice(2), processIo());
// Let pending writes drain rather than process.exit(), which can cut piped output short.
process.exitCode = code;
