// Reads [{source, query, parameters}] as JSON on stdin and prints
// [{source, diagnostics: [{severity, message, line, column}]}] as JSON on stdout.
// `parameters` lists the $names the statement may use; any other $name is reported.
// Severity 1 is an error, 2 a warning (Neo4j's LSP numbering).
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const items = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const out = items.map(({ source, query, parameters }) => {
  const params = Object.fromEntries((parameters ?? []).map((name) => [name, null]));
  const { diagnostics } = lintCypherQuery(query, { parameters: params }, {});
  return {
    source,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
});
process.stdout.write(JSON.stringify(out));
