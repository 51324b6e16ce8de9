// Rendering diagnostics: a caret under the source for terminals, a flat object for JSON.

import type { Diagnostic } from "./diagnostic.js";

export function renderDiagnostic(d: Diagnostic): string {
  const lines = [`error[${d.kind}]: ${d.message}`];
  if (d.source && d.span) {
    const srcLines = d.source.text.split("\n");
    const lineText = srcLines[d.span.line - 1] ?? "";
    const gutter = String(d.span.line);
    const pad = " ".repeat(gutter.length);
    const width = Math.max(1, Math.min(d.span.end - d.span.start, lineText.length - (d.span.col - 1)));
    lines.push(`${pad}--> ${d.source.name}, line ${d.span.line}, column ${d.span.col}`);
    lines.push(`${pad} |`);
    lines.push(`${gutter} | ${visible(lineText)}`);
    lines.push(`${pad} | ${" ".repeat(d.span.col - 1)}${"^".repeat(width)}`);
  } else if (d.source) {
    lines.push(`  --> ${d.source.name}`);
  }
  if (d.expected && d.expected.length > 0) lines.push(`expected ${formatExpected(d.expected)}`);
  if (d.hint) lines.push(`hint: ${d.hint}`);
  return lines.join("\n");
}

/** Control characters would move the caret or garble the terminal: show them as escapes. */
function visible(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export function formatExpected(items: readonly string[]): string {
  if (items.length === 1) return items[0]!;
  return `one of ${items.join(", ")}`;
}

export interface JsonError {
  kind: string;
  message: string;
  line?: number;
  column?: number;
  source?: string;
  expected?: string[];
  hint?: string;
}

export function diagnosticToJson(d: Diagnostic): JsonError {
  const out: JsonError = { kind: d.kind, message: d.message };
  if (d.span) {
    out.line = d.span.line;
    out.column = d.span.col;
  }
  if (d.source) out.source = d.source.name;
  if (d.expected) out.expected = d.expected;
  if (d.hint) out.hint = d.hint;
  return out;
}
