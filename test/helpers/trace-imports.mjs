// Preloaded with --import: records every module URL the program resolves into $MTLS_TRACE_FILE,
// so a test can prove which modules a command line loads.
import { register } from 'node:module';

register('./trace-hooks.mjs', import.meta.url, { data: { file: process.env.MTLS_TRACE_FILE } });
