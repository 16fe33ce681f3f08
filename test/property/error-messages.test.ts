// Error quality: one failing example per rule id. Every message names the construct path (the
// `[path]` prefix), starts lowercase with the field, quotes the value received, says what is
// allowed and how to fix it, and ends with its rule id; docs/validation.md quotes it verbatim.
import * as fs from 'fs';
import * as path from 'path';
import { parseValidationError } from './harness';
import { RULE_EXAMPLES, RuleExample, synthError } from './rule-examples';

const ROOT = path.join(__dirname, '..', '..');

/** The rule ids the library declares (the `RuleId` union in src/_pod-rules.ts). */
function declaredRuleIds(): string[] {
  const source = fs.readFileSync(path.join(ROOT, 'src', '_pod-rules.ts'), 'utf8');
  const union = /export type RuleId =([\s\S]*?);/.exec(source)?.[1];
  if (!union) throw new Error('cannot find `export type RuleId = ...;` in src/_pod-rules.ts');
  return [...union.matchAll(/'([a-z0-9-]+)'/g)].map(m => m[1]);
}

/** The example's message and the construct path it is prefixed with. */
function exampleLine(example: RuleExample): { path: string; message: string } {
  const error = synthError(example);
  if (error === undefined) throw new Error(`the example for ${example.rule} synthesized without error`);
  const lines = parseValidationError(error);
  if (!lines) throw new Error(`not a cdk8s validation error: ${error}`);
  // Each example breaks its rule and nothing else.
  expect(lines.map(l => l.rule)).toEqual([example.rule]);
  return { path: lines[0].path, message: lines[0].message };
}

describe('validation messages', () => {
  test('every rule the library declares has an example here', () => {
    expect([...new Set(RULE_EXAMPLES.map(e => e.rule))].sort()).toEqual(declaredRuleIds().sort());
  });

  const named = RULE_EXAMPLES.map(e => [e.variant ? `${e.rule} (${e.variant})` : e.rule, e] as const);
  describe.each(named)('%s', (_name, example) => {
    const rule = example.rule;
    let line: { path: string; message: string } | undefined;
    const get = () => (line ??= exampleLine(example));

    test('breaks only its rule, and is prefixed with the construct path', () => {
      expect(get().path).toBe(example.path);
    });
    test('starts lowercase, with the field', () => {
      expect(get().message).toMatch(/^[a-z]/);
      expect(get().message.startsWith(`${example.field}: `)).toBe(true);
    });
    test('quotes the value received and says what is allowed', () => {
      const [problem] = get().message.split('. fix: ');
      expect(problem).toContain(example.allowed);
      expect(get().message).toContain(example.received);
    });
    test('says how to fix it, and ends with the rule id', () => {
      const fix = get().message.split('. fix: ')[1];
      expect(fix).toMatch(new RegExp(`^\\S.* \\(rule ${rule}\\)$`, 's'));
      expect(get().message.endsWith(`(rule ${rule})`)).toBe(true);
    });
    test('is quoted verbatim in docs/validation.md', () => {
      const docs = fs.readFileSync(path.join(ROOT, 'docs', 'validation.md'), 'utf8');
      expect(docs).toContain(`## \`${rule}\``);
      expect(docs).toContain(`[${get().path}] ${get().message}`);
    });
  });
});
