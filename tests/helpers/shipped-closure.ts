// The lock on shipped schema versions: each version file and every file it imports, directly or
// not, is pinned by two digests. `code` covers its tokens only, so that no change of behaviour can
// hide in a "comment-only" edit; `text` covers its bytes, so that even a comment edit is a
// deliberate, recorded act. Node only (the TypeScript parser, node:crypto).
import { createHash } from 'node:crypto';
import ts from 'typescript';

export interface Lock {
  /** sha-256 of the file's tokens, comments and layout left out. Never changes. */
  code: string;
  /** sha-256 of the file's bytes when it was locked. */
  text: string;
  /** Comment or layout edits allowed since, oldest first: the file's sha-256 after each, and why. */
  amended?: readonly { text: string; why: string }[];
}

/** Reads a file by its path from the repository root ('src/lib/…'); undefined if there is none. */
export type ReadSource = (path: string) => string | undefined;

/** Where the locks are kept, for the messages. */
const LOCKS_FILE = 'tests/unit/shipped-schemas.test.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const textDigest = sha256;

const isJsDoc = (node: ts.Node): boolean =>
  node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode;

function parse(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The digest of what a file does: its tokens in order, whatever the comments and layout. */
export function codeDigest(text: string): string {
  const file = parse('file.ts', text);
  const tokens: string[] = [];
  const walk = (node: ts.Node): void => {
    if (isJsDoc(node)) return;
    const children = node.getChildren(file);
    if (children.length === 0) tokens.push(node.getText(file));
    else children.forEach(walk);
  };
  walk(file);
  return sha256(tokens.join('\u0000'));
}

/** The relative module specifiers a file imports or re-exports, statically or dynamically. */
function relativeImports(path: string, text: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let spec: ts.Expression | undefined;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) spec = node.moduleSpecifier;
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      spec = node.arguments[0];
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.')) found.push(spec.text);
    ts.forEachChild(node, visit);
  };
  visit(parse(path, text));
  return found;
}

function joinPath(dir: string, spec: string): string {
  const parts = dir.split('/');
  for (const part of spec.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

function resolve(from: string, spec: string, read: ReadSource): string | undefined {
  const base = joinPath(from.slice(0, from.lastIndexOf('/')), spec);
  const candidates = /\.[jt]s$/.test(base)
    ? [base.replace(/\.js$/, '.ts')]
    : [`${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => read(c) !== undefined);
}

/**
 * Every file `entry` depends on through relative imports, itself included, each with the chain of
 * imports that reaches it (for the messages). Unresolvable imports are reported, not followed.
 */
export function importClosure(
  entry: string,
  read: ReadSource,
): { files: Map<string, string[]>; unresolved: string[] } {
  const files = new Map<string, string[]>([[entry, [entry]]]);
  const unresolved: string[] = [];
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = files.get(file) ?? [file];
    for (const spec of relativeImports(file, read(file) ?? '')) {
      const target = resolve(file, spec, read);
      if (target === undefined) unresolved.push(`${file} imports '${spec}', which is not found`);
      else if (!files.has(target)) {
        files.set(target, [...chain, target]);
        queue.push(target);
      }
    }
  }
  return { files, unresolved };
}

const HOW_TO_CHANGE =
  'a shipped upgrade must do forever what it did when it shipped. Undo the change and put the ' +
  'new behaviour in a new schema version (docs/architecture.md, "How to add a schema version"), ' +
  'copying what it needs instead of editing this file';

/**
 * What is wrong with the shipped versions' files, one message per problem; empty when all hold.
 * `forbidden` are files no shipped version may depend on (today's row shapes, say).
 */
export function shippedProblems(options: {
  versions: readonly string[];
  locks: Readonly<Record<string, Lock>>;
  forbidden: readonly string[];
  read: ReadSource;
}): string[] {
  const { versions, locks, forbidden, read } = options;
  const problems: string[] = [];
  const reached = new Set<string>();
  for (const version of versions) {
    if (read(version) === undefined) {
      problems.push(`${version} is a shipped version but the file is gone: restore it`);
      continue;
    }
    const { files, unresolved } = importClosure(version, read);
    problems.push(...unresolved);
    for (const [file, chain] of files) {
      // A file shared by several versions is checked once, through the first that reaches it.
      if (reached.has(file)) continue;
      reached.add(file);
      const via = chain.join(' → ');
      const text = read(file) ?? '';
      const lock = locks[file];
      if (forbidden.includes(file)) {
        problems.push(
          `${file} is reached from shipped ${via}: shipped versions use their own frozen row ` +
            `shapes (schema/vN-rows.ts), never today's, which may change. Import the frozen ones`,
        );
      } else if (!lock) {
        problems.push(
          `${file} is reached from shipped ${via} but is not locked: a shipped version must not ` +
            `start depending on other code, so undo that import. When a new version ships, lock ` +
            `each file of its closure in ${LOCKS_FILE}: ` +
            `'${file}': { code: '${codeDigest(text)}', text: '${textDigest(text)}' }`,
        );
      } else if (codeDigest(text) !== lock.code) {
        problems.push(`${file} (shipped ${via}) changed its code: ${HOW_TO_CHANGE}`);
      } else if (textDigest(text) !== (lock.amended?.at(-1)?.text ?? lock.text)) {
        problems.push(
          `${file} (shipped ${via}) changed, in comments or layout only. If that is what you ` +
            `meant, allow it explicitly in ${LOCKS_FILE}: add { text: '${textDigest(text)}', ` +
            `why: '…' } to the end of its \`amended\` list`,
        );
      }
    }
  }
  for (const file of Object.keys(locks))
    if (!reached.has(file))
      problems.push(`${file} is locked but no shipped version depends on it: drop its lock`);
  return problems;
}
