// Turns what changes from run to run in freshly written accessibility-tree snapshots into
// patterns, so the snapshots hold on the next run: thread and comment ids (32 hex digits) and
// the suite's group handles in link targets, "@ann-example-…" mention handles in text, and the
// month of every date. Run it after `npx playwright test --update-snapshots`, then review the
// diff:  node a11y-tests/generalise-snapshots.mjs [files…]  (default: every snapshot).
// It leaves alone what is already a pattern, so running it twice changes nothing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MONTH = '(?:January|February|March|April|May|June|July|August|September|October|November|December|\\[A-Z\\]\\[a-z\\]\\+)';
const DATE = new RegExp(`(?:\\\\d\\+|\\d{1,2}) ${MONTH} (?:\\\\d\\+|\\d{4}) at (?:\\\\d\\+|\\d{2}):(?:\\\\d\\+|\\d{2}) UTC`, 'g');
const WEEKDAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|\\[A-Z\\]\\[a-z\\]\\+)';
/** A time in a zone, as polls write it: "Sunday 13 December 2026 at 22:53 (UTC)". */
const ZONED = new RegExp(`${WEEKDAY} (?:\\\\d\\+|\\d{1,2}) ${MONTH} (?:\\\\d\\+|\\d{4}) at (?:\\\\d\\+|\\d{2}):(?:\\\\d\\+|\\d{2})`, 'g');
/** A day already in a pattern (its year written as \d+, or as \\d+ inside a double-quoted
 *  scalar): "Mon 7 Dec \d+, \d+:\d+" in a table, "Monday 7 December \\d+ at …" in a sentence. */
const DAY_IN_PATTERN = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]* \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*(?= (\\{1,2})d\+)/g;
const ID = /(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g;
const HANDLE = /\bqg-\d+-\d+-\d+\b/g;
const MENTION = /@ann-example(?:-[0-9a-z]+)?\b/g;
/** A mention handle in a pattern Playwright wrote itself (from a numbered handle). */
const MENTION_PATTERN = /@ann-example-\\d\+/g;

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A YAML scalar as written by Playwright: plain, "double" (JSON-like) or 'single' quoted. */
function decode(value) {
  if (value.startsWith('"')) return JSON.parse(value);
  if (value.startsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  return value;
}

/** A pattern as a YAML scalar, quoted when plain YAML would misread it. */
function encode(pattern) {
  return /: | #|^[`'"@&*!|>%{[]/.test(pattern) ? `'${pattern.replaceAll("'", "''")}'` : pattern;
}

function generalise(line) {
  line = line.replace(DATE, '\\d+ [A-Z][a-z]+ \\d+ at \\d+:\\d+ UTC');
  line = line.replace(ZONED, '[A-Z][a-z]+ \\d+ [A-Z][a-z]+ \\d+ at \\d+:\\d+');
  line = line.replace(DAY_IN_PATTERN, (_, slashes) => `[A-Z][a-z]+ ${slashes}d+ [A-Z][a-z]+`);
  const match = line.match(/^(\s*- (?:\/url|text): )(.+)$/);
  if (!match) return line;
  const [, key, raw] = match;
  const value = decode(raw);
  if (value.startsWith('/') && value.endsWith('/') && value.length > 1) {
    // A pattern Playwright wrote may still hold a handle as it was in that run.
    const general = value.replace(MENTION_PATTERN, '@ann-example(-[0-9a-z]+)?').replace(/@ann-example-[0-9a-z]+(?![0-9a-z(])/g, '@ann-example(-[0-9a-z]+)?');
    return general === value ? line : key + encode(general);
  }
  if ([ID, HANDLE, MENTION].every((dynamic) => value.search(dynamic) < 0)) return line;
  const pattern = escape(value)
    .replace(ID, '[0-9a-f]{32}')
    .replace(HANDLE, 'qg-\\d+-\\d+-\\d+')
    .replace(MENTION, '@ann-example(-[0-9a-z]+)?');
  return key + encode(key.includes('/url') ? `/^${pattern}$/` : `/${pattern}/`);
}

const folder = join(import.meta.dirname, 'snapshots');
const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(folder).filter((f) => f.endsWith('.aria.yml')).map((f) => join(folder, f));
for (const file of files) {
  const before = readFileSync(file, 'utf8');
  const after = before.split('\n').map(generalise).join('\n');
  if (after !== before) {
    writeFileSync(file, after);
    console.log(`generalised ${file}`);
  }
}
