import { resolve as resolvePath } from 'node:path';
import type { CommandAction } from '../action.js';
import type { Context } from '../context.js';
import { noteConfigUse, onceStdin } from '../credentials.js';
import { parseHttpsUrl, usage } from '../url.js';
import { loadConfigFile } from '../../config/file.js';
import { resolveCredentials, type CredentialFlags } from '../../config/resolve.js';
import { MtlsError } from '../../core/errors.js';
import { doctorExitCode, doctorReport, type DoctorReport } from '../../core/doctor/report.js';
import { skipped, type DoctorCheck, type Role } from '../../core/doctor/types.js';
import { writeOutputFile } from '../../core/fs/write.js';
import { parseThreshold } from '../../core/time/duration.js';
import { checkTarget } from '../../tls/doctor/index.js';
import { redactUrl } from '../../core/text/redact-url.js';
import { createStyler } from '../../render/color.js';
import { renderDoctorReport } from '../../render/doctor.js';
import { outputWidth } from '../../render/wrap.js';
import { renderGithubAnnotations } from '../../render/doctor-github.js';
import { renderJunit } from '../../render/doctor-junit.js';
import { toJsonDocument } from '../../render/json.js';

interface DoctorFlags extends CredentialFlags {
  role: Role;
  failWithin: string;
  servername?: string;
  timeout: number;
  ci?: boolean;
  strict?: boolean;
  junit?: string;
  json?: boolean;
}

/** What to check: one URL, every target of --config, or the local setup alone. */
interface Target {
  url: URL | null;
  /** Shown as the heading of its checks; absent for a local setup alone. */
  label?: string;
  /** A config target that names no server to connect to (a wildcard). */
  unreachable?: string;
}

function parseUrl(value: string): URL {
  return parseHttpsUrl(value, 'Give a full URL: `mtls doctor https://HOST:PORT/`.', 'there is no mTLS to check');
}

/** A config target key as a URL: "api.internal:8443" or a full https:// URL. */
function targetUrl(key: string, configPath: string): URL {
  try {
    return new URL(key.startsWith('https://') ? key : `https://${key}`);
  } catch {
    throw new MtlsError('MTLS_CONFIG_INVALID', `Config file ${configPath}: the target "${redactUrl(key)}" is not a host name or https:// URL.`, {
      details: { path: configPath, at: `targets["${redactUrl(key)}"]` },
      fixes: ['Name each target by its host (`"api.internal:8443"`), a wildcard (`"*.internal"`) or a full URL (`"https://api.internal:8443/"`).'],
    });
  }
}

async function targetsOf(urlArg: string | undefined, flags: DoctorFlags, ctx: Context): Promise<Target[]> {
  if (urlArg) {
    const url = parseUrl(urlArg);
    return [{ url, label: redactUrl(url) }];
  }
  const configPath = flags.config;
  if (!configPath) return [{ url: null }];
  const config = await loadConfigFile(configPath, ctx.io.cwd);
  const keys = Object.keys(config?.targets ?? {});
  if (keys.length === 0) return [{ url: null, label: `${flags.config} (defaults)` }];
  return keys.map((key) => {
    if (key.startsWith('*.')) return { url: null, label: key, unreachable: `The config target "${key}" is a wildcard: it names no server to connect to. Check one of its hosts with \`mtls doctor https://HOST/ --config ${flags.config}\`.` };
    const url = targetUrl(key, configPath);
    return { url, label: redactUrl(key) };
  });
}

const doctor: CommandAction<DoctorFlags> = async ([urlArg], flags, ctx) => {
  const failWithin = parseThreshold(flags.failWithin, '--fail-within');
  const targets = await targetsOf(urlArg, flags, ctx);
  const env = ctx.io.env;
  const spinner = flags.ci ? null : await ctx.spinner('Checking…');
  const checks: DoctorCheck[] = [];
  const now = new Date();
  for (const target of targets) {
    if (target.unreachable) {
      checks.push({ ...skipped('config-target', 'Config target', target.unreachable), ...(target.label ? { target: target.label } : {}) });
      continue;
    }
    const resolved = await resolveCredentials(flags, { env, cwd: ctx.io.cwd }, target.url?.href);
    noteConfigUse(resolved, ctx, false);
    if (!target.url && !resolved.cert && !resolved.key && !resolved.ca) {
      throw usage('Nothing to check: no URL and no credentials.', 'Give a certificate (`mtls doctor --cert client.crt --key client.key --cacert ca.crt`), a URL, or --config FILE.');
    }
    spinner?.update(`Checking ${target.label ?? 'the local setup'}…`);
    const found = await checkTarget({
      settings: {
        ...(resolved.cert ? { cert: resolved.cert } : {}),
        ...(resolved.key ? { key: resolved.key } : {}),
        ...(resolved.ca ? { ca: resolved.ca } : {}),
        ...(resolved.certType ? { certType: resolved.certType } : {}),
        ...(resolved.passSpec ? { passSpec: resolved.passSpec } : {}),
        ...(resolved.passphrase ? { passphrase: resolved.passphrase } : {}),
      },
      url: target.url,
      ...((flags.servername ?? resolved.servername) ? { servername: flags.servername ?? resolved.servername } : {}),
      role: flags.role,
      failWithin,
      now,
      timeoutMs: Math.round(flags.timeout * 1000),
      cwd: ctx.io.cwd,
      env,
      readStdin: onceStdin(ctx),
    });
    checks.push(...found.map((check) => (target.label ? { ...check, target: target.label } : check)));
  }
  spinner?.stop();
  const report = doctorReport(checks, flags.strict === true);
  await output(report, flags, ctx);
  return doctorExitCode(report);
};

async function output(report: DoctorReport, flags: DoctorFlags, ctx: Context): Promise<void> {
  if (ctx.json) {
    ctx.print(toJsonDocument('doctor', { ok: report.ok, role: flags.role, failWithin: flags.failWithin, strict: report.strict, counts: report.counts, fixFirst: report.fixFirst, checks: report.checks }));
  } else {
    // --ci output is read in logs and diffed between runs: never coloured, whatever FORCE_COLOR says.
    ctx.print(renderDoctorReport(report, flags.ci ? createStyler(false) : ctx.out, flags.ci ? null : outputWidth(ctx.io.stdout as { isTTY?: boolean; columns?: number })));
  }
  if (flags.ci && ctx.io.env.GITHUB_ACTIONS === 'true') {
    // The runner reads workflow commands on stdout and stderr; with --json stdout holds the document only.
    const annotations = renderGithubAnnotations(report.checks);
    if (ctx.json) ctx.io.stderr.write(annotations);
    else ctx.io.stdout.write(annotations);
  }
  // A report holds no secret (nothing mtls prints does): 0644 when new, an existing file keeps its mode.
  if (flags.junit) await writeOutputFile(resolvePath(ctx.io.cwd, flags.junit), renderJunit(report), { mode: 0o644 });
}

export default doctor;
