/**
 * No function literal is assigned straight to a property in src/ (`obj.f = () => …`,
 * `obj[k] = function () {…}`). V8's parser marks such a literal for pretenuring (parser.h,
 * CheckAssigningFunctionLiteralToProperty: "If we assign a function literal to a property we
 * pretenure the literal so it can be added as a constant function property"), so each closure it
 * makes is allocated in the old generation. A closure made per simulation then points from the old
 * generation to its context, and through it to the young simulation, which every young-generation
 * GC keeps and finally promotes until a full GC: in a loop of simulations that was most of what
 * the scavenges copied and promoted (docs/speed.md, "Function literals assigned to properties").
 * Assigning a variable that holds the closure allocates it in the young generation like any other.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** The expression as V8 sees it once TypeScript's casts and the parentheses around it are gone. */
function emitted(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) {
    e = e.expression;
  }
  return e;
}

/** `file:line` of each function literal assigned straight to a property in `text`. */
function literalsAssignedToProperties(name: string, text: string): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && ASSIGNMENTS.has(node.operatorToken.kind)) {
      const left = emitted(node.left);
      const right = emitted(node.right);
      if ((ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) && (ts.isArrowFunction(right) || ts.isFunctionExpression(right))) {
        found.push(`${name}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('function literals assigned to properties (V8 pretenures them)', () => {
  it('the check finds each form V8 pretenures, and not a variable assigned or a literal passed', () => {
    const sample = [
      'this.a.onDie = (i) => this.up.died(i);',
      'obj[key] = function () { return 1; };',
      'x.y ??= (() => 2);',
      'this.f = (async () => 3) as unknown as F;',
      'const g = () => 4; this.h = g;',
      'register(() => 5);',
      'const o = { p: () => 6 };',
    ].join('\n');
    expect(literalsAssignedToProperties('sample.ts', sample)).toEqual(['sample.ts:1', 'sample.ts:2', 'sample.ts:3', 'sample.ts:4']);
  });

  it('src/ assigns none', () => {
    const found = sourceFiles(join(root, 'src')).flatMap((p) => literalsAssignedToProperties(relative(root, p), readFileSync(p, 'utf8')));
    expect(found).toEqual([]);
  });
});
