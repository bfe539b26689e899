import type { CommandAction } from '../action.js';
import { usage } from '../url.js';
import { catalogGroups } from '../../diagnoses/groups.js';
import { seenElsewhere } from '../../diagnoses/elsewhere.js';
import { nearestCodes, normalizeCode } from '../../diagnoses/suggest.js';
import type { DiagnosisCode } from '../../diagnoses/catalog.js';
import type { DiagnosisEntry } from '../../diagnoses/types.js';
import { toJsonDocument } from '../../render/json.js';
import { renderCodeList, renderExplanation } from '../../render/explain.js';
import { outputWidth } from '../../render/wrap.js';

function findCode(code: string): { group: string; entry: DiagnosisEntry } | null {
  for (const group of catalogGroups) {
    const entry = (group.entries as Record<string, DiagnosisEntry>)[code];
    if (entry && Object.hasOwn(group.entries, code)) return { group: group.name, entry };
  }
  return null;
}

const explain: CommandAction = async (args, _flags, ctx) => {
  const width = outputWidth(ctx.io.stdout as { isTTY?: boolean; columns?: number });
  const typed = args[0];
  if (typed === undefined) {
    const groups = catalogGroups.map((group) => ({
      name: group.name,
      description: group.description,
      codes: Object.entries(group.entries as Record<string, DiagnosisEntry>)
        .map(([code, entry]) => ({ code, title: entry.title, exit: entry.exit }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    }));
    ctx.print(ctx.json ? toJsonDocument('explain', { groups }) : renderCodeList(groups, ctx.out, width));
    return 0;
  }
  const code = normalizeCode(typed);
  const found = findCode(code);
  if (!found) {
    const all = catalogGroups.flatMap((group) => Object.keys(group.entries));
    const near = nearestCodes(typed, all);
    const shown = typed.length > 60 || /[^\w\s-]/.test(typed) ? 'That' : `"${typed}"`;
    throw usage(
      `${shown} is not a diagnosis code.${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''}`,
      near.length > 0 ? `Run \`mtls explain ${near[0]}\`; \`mtls explain\` lists every code.` : 'Run `mtls explain` to list every code.',
    );
  }
  const elsewhere = seenElsewhere[code as DiagnosisCode] ?? null;
  if (ctx.json) {
    const { entry } = found;
    ctx.print(toJsonDocument('explain', { code, group: found.group, title: entry.title, meaning: entry.meaning, causes: entry.causes, fixes: entry.fixes, exit: entry.exit, seenElsewhere: elsewhere }));
  } else ctx.print(renderExplanation({ code, group: found.group, entry: found.entry, elsewhere }, ctx.out, width));
  return 0;
};

export default explain;
