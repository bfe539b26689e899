import { setFlagsFromString } from 'node:v8';
import { processIo } from './io.js';
import { run } from './run.js';

// undici parses HTTP with WebAssembly. V8 compiles it quickly (Liftoff), then recompiles the hot
// functions with its optimizing compiler on background threads, and Node waits for those before
// exiting, even on process.exit(): 60–150 ms added to every `mtls request`, for code a one-shot
// command barely runs. Liftoff's code is all it needs.
setFlagsFromString('--liftoff-only');

const code = await run(process.argv.slice(2), processIo());
// Let pending writes drain rather than process.exit(), which can cut piped output short.
process.exitCode = code;
